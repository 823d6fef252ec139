using Orleans.Concurrency;

namespace GpuCompute.Cluster.Contracts;

/// <summary>Bytes of an app's buffer on a node (a task graph's tile copy there), from byte <paramref name="Offset"/>,
/// with their XxHash64 <paramref name="Checksum"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record BufferChunk(
    [property: Id(0)] long Buffer,
    [property: Id(1)] long Offset,
    [property: Id(2)] Immutable<byte[]> Bytes,
    [property: Id(3)] ulong Checksum);
