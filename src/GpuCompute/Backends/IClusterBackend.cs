using Microsoft.Extensions.Logging;

namespace GpuCompute.Backends;

/// <summary>A connection to a cluster of nodes, each of them a device of the engine that joined it. Implemented by the
/// GpuCompute.Cluster package (on Orleans), which the engine loads when asked to join one.</summary>
internal interface IClusterBackend : IDisposable
{
    /// <summary>The nodes that were in the cluster when the engine joined it, as devices of kind
    /// <see cref="DeviceKind.Node"/>.</summary>
    IReadOnlyList<ComputeDevice> Nodes { get; }

    /// <summary>The nodes that joined the cluster since the last call (none, cheaply, when membership has not changed),
    /// as new devices the engine now owns.</summary>
    IReadOnlyList<ComputeDevice> TakeJoined();

    /// <summary>True when <paramref name="node"/>, one of this backend's nodes, has left the cluster (membership
    /// declared it dead, or it stopped).</summary>
    bool HasLeft(ComputeDevice node);
}

/// <summary>Finds the cluster backend, so that the engine itself does not depend on Orleans.</summary>
internal static class ClusterBackends
{
    /// <summary>The environment variable naming a cluster to join when the options do not.</summary>
    public const string EnvironmentVariable = "GPUCOMPUTE_CLUSTER";

    private const string BackendType = "GpuCompute.Cluster.App.OrleansClusterBackend, GpuCompute.Cluster";

    /// <summary>Joins the cluster <paramref name="spec"/> names (see <see cref="ComputeEngineOptions.Cluster"/>).</summary>
    /// <exception cref="NotSupportedException">The GpuCompute.Cluster assembly is not part of the application.</exception>
    public static IClusterBackend Connect(string spec, ILogger logger)
    {
        Type? type = Type.GetType(BackendType, throwOnError: false);
        if (type is null)
        {
            throw new NotSupportedException(
                $"Joining the cluster '{spec}' needs the GpuCompute.Cluster package: add a reference to it (the engine loads it only when a cluster is named).");
        }

        try
        {
            const System.Reflection.BindingFlags Constructors = System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic;
            return (IClusterBackend)Activator.CreateInstance(type, Constructors, binder: null, args: [spec, logger], culture: null)!;
        }
        catch (System.Reflection.TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }
}
