using GpuCompute.Cluster.Node;

namespace GpuCompute.Cluster.Tests;

/// <summary>Local clusters of the built GpuCompute.Node executable, for the tests that need real node processes.</summary>
internal static class NodeProcesses
{
    /// <summary>How the tests launch a node: <c>dotnet GpuCompute.Node.dll</c> from the test's output folder.</summary>
    public static Func<IReadOnlyList<string>, System.Diagnostics.ProcessStartInfo> Launch { get; } =
        LocalCluster.Dotnet(Path.Combine(AppContext.BaseDirectory, "GpuCompute.Node.dll"));

    /// <summary>Starts nodes n1, n2, … with these CPU thread counts (membership on n1, or in <paramref name="redis"/>).</summary>
    public static LocalCluster Start(int[] threads, string? redis = null) => LocalCluster.Start(threads, Launch, redis);
}
