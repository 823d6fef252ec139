using System.CommandLine;
using GpuCompute.Cluster.Node;

namespace GpuCompute.Bench.Commands;

/// <summary><c>node</c>: runs a cluster node in this process (an Orleans silo with a local engine), as
/// <c>gpucompute-node</c> does, until interrupted; what <c>cluster</c> starts its node processes with.</summary>
internal static class NodeCommand
{
    private static readonly (string Name, string Description)[] Valued =
    [
        ("--name", "The node's name in the cluster (lowercase letters, digits, '-')."),
        ("--listen", "Silo-to-silo endpoint IP:PORT (default 127.0.0.1:11111)."),
        ("--gateway", "The port apps connect to (default 30000)."),
        ("--primary", "The first node's --listen (development clustering); omit on the first node."),
        ("--redis", "Redis HOST:PORT for membership instead of development clustering."),
        ("--cluster-id", "Nodes and apps with the same id form one cluster (default gpucompute)."),
        ("--threads", "CPU threads of the node's engine (default: every core)."),
        ("--devices", "The node engine's devices (default: cpu and every GPU)."),
        ("--panel-memory-mb", "Memory for panels apps send (default 2048)."),
        ("--probe-timeout-seconds", "Membership probe timeout (default 5)."),
    ];

    private static readonly Option<bool> NoModelCache = new("--no-model-cache") { Description = "Measure the devices afresh instead of reading stored models." };

    public static Command Create()
    {
        Option<string?>[] options = [.. Valued.Select(v => new Option<string?>(v.Name) { Description = v.Description })];
        var command = new Command("node", "Run a cluster node (an Orleans silo with this machine's engine) until interrupted.");
        foreach (Option<string?> option in options)
        {
            command.Options.Add(option);
        }

        command.Options.Add(NoModelCache);
        command.SetAction(parse =>
        {
            var args = new List<string>();
            foreach (Option<string?> option in options)
            {
                if (parse.GetValue(option) is string value)
                {
                    args.AddRange([option.Name, value]);
                }
            }

            if (parse.GetValue(NoModelCache))
            {
                args.Add("--no-model-cache");
            }

            ClusterNodeOptions settings;
            try
            {
                settings = NodeArguments.Parse(args);
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message);
            }

            ClusterNode.ServeAsync(settings, Console.Out).GetAwaiter().GetResult();
            return 0;
        });
        return command;
    }
}
