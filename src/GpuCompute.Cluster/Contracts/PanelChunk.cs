using Orleans.Concurrency;

namespace GpuCompute.Cluster.Contracts;

/// <summary>Chunk <paramref name="Index"/> of <paramref name="Count"/> of a panel: bytes from
/// <paramref name="Offset"/>, with their XxHash64 <paramref name="Checksum"/>. The bytes are marked immutable so
/// Orleans does not deep-copy them on a call within one process.</summary>
[GenerateSerializer, Immutable]
public sealed record PanelChunk(
    [property: Id(0)] PanelKey Panel,
    [property: Id(1)] int Index,
    [property: Id(2)] int Count,
    [property: Id(3)] long Offset,
    [property: Id(4)] Immutable<byte[]> Bytes,
    [property: Id(5)] ulong Checksum);

/// <summary>Chunk <paramref name="Index"/> of a computed tile, from byte <paramref name="Offset"/>, with its
/// checksum.</summary>
[GenerateSerializer, Immutable]
public sealed record ResultChunk(
    [property: Id(0)] int Index,
    [property: Id(1)] long Offset,
    [property: Id(2)] Immutable<byte[]> Bytes,
    [property: Id(3)] ulong Checksum);
