using System.Runtime.InteropServices;
using GpuCompute.Cluster.Node;

// A cluster node: parses its options, joins the cluster, prints one "ready" line (what scripts and tests wait for),
// and serves until SIGINT or SIGTERM, then leaves the cluster cleanly.
ClusterNodeOptions options;
try
{
    options = NodeArguments.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

using var stop = new CancellationTokenSource();
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
ClusterNode node = await ClusterNode.StartAsync(options, stop.Token);
Console.WriteLine($"ready {options.Name} silo={options.Listen} gateway={options.GatewayPort} devices={string.Join(", ", node.Info.Devices)} gflops-f64={node.Info.GflopsF64:F1}");
await node.RunAsync(stop.Token);
return 0;
