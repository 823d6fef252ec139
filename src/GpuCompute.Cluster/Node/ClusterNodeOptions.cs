using System.Net;

namespace GpuCompute.Cluster.Node;

/// <summary>How a node starts: where it listens, which cluster it joins, and the engine it brings.</summary>
public sealed class ClusterNodeOptions
{
    /// <summary>The node's name in the cluster (lowercase letters, digits, '-'); apps see it as device <c>node:NAME</c>.</summary>
    public string Name { get; init; } = "node";

    /// <summary>The address and port other silos reach this one on (silo-to-silo TCP).</summary>
    public IPEndPoint Listen { get; init; } = new(IPAddress.Loopback, 11111);

    /// <summary>The port apps connect to (the Orleans gateway), on the same address.</summary>
    public int GatewayPort { get; init; } = 30000;

    /// <summary>The first node's silo endpoint (development clustering keeps membership there); null: this node is it.
    /// Ignored with <see cref="Redis"/>.</summary>
    public IPEndPoint? Primary { get; init; }

    /// <summary>A Redis server for membership (e.g. <c>127.0.0.1:6379</c>) instead of development clustering; any node
    /// may then fail without taking membership with it.</summary>
    public string? Redis { get; init; }

    /// <summary>The cluster's id; nodes and apps with the same id form one cluster.</summary>
    public string ClusterId { get; init; } = "gpucompute";

    /// <summary>The node engine's devices (as <see cref="ComputeEngineOptions.Devices"/>); null: the default.</summary>
    public string? Devices { get; init; }

    /// <summary>CPU threads of the node's engine; null: every core.</summary>
    public int? Threads { get; init; }

    /// <summary>Memory for panels apps send (least recently used dropped first beyond it).</summary>
    public long PanelMemoryBytes { get; init; } = 2L << 30;

    /// <summary>How long a silo may miss membership probes before the others declare it dead (Orleans' default is
    /// 5 s × 3 missed probes; tests shorten it).</summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Keep the node engine's measured device models between starts.</summary>
    public bool PersistModels { get; init; } = true;

    /// <summary>Throws unless the options make a node, naming the bad one.</summary>
    public void Validate()
    {
        if (Name.Length == 0 || Name.Length > 64 || !Name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            throw new ArgumentException($"A node name is 1-64 lowercase letters, digits or '-'; got '{Name}'.", nameof(Name));
        }

        if (GatewayPort is < 1 or > 65535 || Listen.Port is < 1 or > 65535 || Listen.Port == GatewayPort)
        {
            throw new ArgumentException($"The silo port ({Listen.Port}) and the gateway port ({GatewayPort}) must be distinct ports from 1 to 65535.", nameof(GatewayPort));
        }

        if (Threads is < 1)
        {
            throw new ArgumentException($"Threads must be at least 1; got {Threads}.", nameof(Threads));
        }

        if (PanelMemoryBytes < 1 << 20)
        {
            throw new ArgumentException($"PanelMemoryBytes must be at least 1 MiB; got {PanelMemoryBytes}.", nameof(PanelMemoryBytes));
        }

        if (ProbeTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"ProbeTimeout must be positive; got {ProbeTimeout}.", nameof(ProbeTimeout));
        }
    }
}
