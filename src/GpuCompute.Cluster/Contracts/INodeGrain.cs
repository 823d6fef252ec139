using Orleans.Concurrency;

namespace GpuCompute.Cluster.Contracts;

/// <summary>
/// One node's compute endpoint, pinned to that node's silo (its key is the silo's address, see
/// <see cref="Node.NodePlacementAttribute"/>): receives operand panels in checksummed chunks, keeps them for the rest
/// of the operation, computes GEMM tiles on the node's own engine, and hands the results back in chunks.
/// </summary>
public interface INodeGrain : IGrainWithStringKey
{
    /// <summary>What the node is: its name, threads, devices and measured throughput.</summary>
    Task<NodeInfo> Describe();

    /// <summary>Stores one chunk of a panel (idempotent: a chunk sent twice is kept once). Throws when the checksum
    /// does not match the bytes or the chunk does not fit the panel.</summary>
    [AlwaysInterleave]
    Task PutChunk(PanelChunk chunk);

    /// <summary>Computes a tile from panels the node holds; answers which panels it lacks instead when any is missing
    /// (never sent, or evicted), so the caller sends those and asks again.</summary>
    [AlwaysInterleave]
    Task<TileAnswer> Compute(TileRequest request);

    /// <summary>One chunk of a computed tile (see <see cref="TileAnswer.Result"/>); the result is dropped once every
    /// chunk was taken.</summary>
    [AlwaysInterleave]
    Task<ResultChunk> TakeResult(Guid result, int chunk);

    /// <summary>Drops the panels of operation <paramref name="problem"/> of the app <paramref name="app"/>.</summary>
    [AlwaysInterleave]
    Task Forget(Guid app, long problem);

    /// <summary>Echoes <paramref name="payload"/>'s length: what the app times to measure the link (bandwidth and latency).</summary>
    [AlwaysInterleave]
    Task<int> Echo(Immutable<byte[]> payload);
}
