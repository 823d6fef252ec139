using System.Globalization;
using System.Net;

namespace GpuCompute.Cluster.Node;

/// <summary>The command line of a node (<c>gpucompute-node</c>, and the bench's <c>node</c>): every option
/// <c>--name value</c>, each checked with a message that names it.</summary>
public static class NodeArguments
{
    /// <summary>The options, one line each, for usage messages.</summary>
    public const string Usage = """
        --name NAME                 the node's name in the cluster (lowercase letters, digits, '-'; default: node)
        --listen IP:PORT            silo-to-silo endpoint (default 127.0.0.1:11111)
        --gateway PORT              the port apps connect to (default 30000)
        --primary IP:PORT           the first node's --listen (development clustering; omit on the first node)
        --redis HOST:PORT           Redis membership instead of development clustering
        --cluster-id ID             nodes and apps with the same id form one cluster (default gpucompute)
        --threads N                 CPU threads of the node's engine (default: every core)
        --devices LIST              the node engine's devices (default: cpu and every GPU)
        --panel-memory-mb N         memory for panels apps send (default 2048)
        --probe-timeout-seconds S   membership probe timeout (default 5)
        --no-model-cache            measure the devices afresh instead of reading stored models
        """;

    /// <summary>Parses <paramref name="args"/>.</summary>
    /// <exception cref="ArgumentException">An option is unknown, repeated, lacks its value or has a bad one.</exception>
    public static ClusterNodeOptions Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        bool noModelCache = false;
        for (int i = 0; i < args.Count; i++)
        {
            string option = args[i];
            if (option == "--no-model-cache")
            {
                noModelCache = true;
                continue;
            }

            if (!Usage.Contains($"{option} ", StringComparison.Ordinal) || !option.StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Unknown option '{option}'. Options:\n{Usage}");
            }

            if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"{option} needs a value.");
            }

            if (!values.TryAdd(option, args[++i]))
            {
                throw new ArgumentException($"{option} is given twice.");
            }
        }

        string? Get(string name) => values.GetValueOrDefault(name);
        var options = new ClusterNodeOptions
        {
            Name = Get("--name") ?? "node",
            Listen = Get("--listen") is string listen ? Endpoint(listen, "--listen") : new IPEndPoint(IPAddress.Loopback, 11111),
            GatewayPort = Get("--gateway") is string gateway ? Integer(gateway, "--gateway", 1, 65535) : 30000,
            Primary = Get("--primary") is string primary ? Endpoint(primary, "--primary") : null,
            Redis = Get("--redis"),
            ClusterId = Get("--cluster-id") ?? "gpucompute",
            Threads = Get("--threads") is string threads ? Integer(threads, "--threads", 1, 4096) : null,
            Devices = Get("--devices"),
            PanelMemoryBytes = Get("--panel-memory-mb") is string mb ? Integer(mb, "--panel-memory-mb", 1, 1 << 20) * (1L << 20) : 2L << 30,
            ProbeTimeout = Get("--probe-timeout-seconds") is string probe ? TimeSpan.FromSeconds(Integer(probe, "--probe-timeout-seconds", 1, 600)) : TimeSpan.FromSeconds(5),
            PersistModels = !noModelCache,
        };
        if (options.Primary is not null && options.Redis is not null)
        {
            throw new ArgumentException("--primary (development clustering) and --redis (Redis membership) exclude each other.");
        }

        options.Validate();
        return options;
    }

    private static IPEndPoint Endpoint(string text, string option) =>
        IPEndPoint.TryParse(text, out IPEndPoint? endpoint) && endpoint.Port != 0
            ? endpoint
            : throw new ArgumentException($"{option} takes IP:PORT (e.g. 127.0.0.1:11111); got '{text}'.");

    private static int Integer(string text, string option, int min, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max
            ? value
            : throw new ArgumentException($"{option} takes a whole number from {min} to {max}; got '{text}'.");
}
