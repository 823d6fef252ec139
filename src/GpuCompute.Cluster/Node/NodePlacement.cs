using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace GpuCompute.Cluster.Node;

/// <summary>Places a node's grain on the silo its key names (a silo address), and nowhere else: a node's work must run
/// on that node, so when its silo is gone the activation fails (the app sees the node fail) instead of moving to
/// another silo and computing there under the dead node's name.</summary>
[GenerateSerializer, Immutable]
public sealed class NodePlacementStrategy : PlacementStrategy
{
    internal static readonly NodePlacementStrategy Instance = new();
}

/// <summary>Marks a grain class whose key is the address of the silo it must live on.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class NodePlacementAttribute : PlacementAttribute
{
    /// <summary>The attribute.</summary>
    public NodePlacementAttribute()
        : base(NodePlacementStrategy.Instance)
    {
    }
}

/// <summary>Resolves <see cref="NodePlacementStrategy"/>: the silo named by the grain's key, when it is in the cluster.</summary>
internal sealed class NodePlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        string key = target.GrainIdentity.Key.ToString()!;
        SiloAddress wanted = SiloAddress.FromParsableString(key);
        foreach (SiloAddress silo in context.GetCompatibleSilos(target))
        {
            if (silo.Equals(wanted))
            {
                return Task.FromResult(silo);
            }
        }

        throw new OrleansException($"Node {key} is not in the cluster (it left or failed); its work cannot run elsewhere under its name.");
    }
}
