using GpuCompute.Cluster.Node;

// A cluster node: parses its options, joins the cluster, prints one "ready" line, and serves until SIGINT or SIGTERM.
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

await ClusterNode.ServeAsync(options, Console.Out);
return 0;
