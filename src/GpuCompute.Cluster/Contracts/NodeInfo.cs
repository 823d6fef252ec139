namespace GpuCompute.Cluster.Contracts;

/// <summary>A node as it describes itself to an app that joins the cluster.</summary>
/// <param name="Name">Its name (lowercase), unique in the cluster: the app's device id is <c>node:NAME</c>.</param>
/// <param name="Threads">CPU threads its engine uses.</param>
/// <param name="Devices">Its engine's devices, e.g. <c>cpu (AMD EPYC (1 thread))</c>.</param>
/// <param name="GflopsF32">Its devices' combined GEMM throughput in f32, as its engine measured it.</param>
/// <param name="GflopsF64">The same in f64.</param>
/// <param name="MemoryBytes">Memory it keeps panels in (its budget for held panels).</param>
[GenerateSerializer, Immutable]
public sealed record NodeInfo(
    [property: Id(0)] string Name,
    [property: Id(1)] int Threads,
    [property: Id(2)] IReadOnlyList<string> Devices,
    [property: Id(3)] double GflopsF32,
    [property: Id(4)] double GflopsF64,
    [property: Id(5)] long MemoryBytes);
