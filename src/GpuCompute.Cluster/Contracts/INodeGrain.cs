using Orleans.Concurrency;

namespace GpuCompute.Cluster.Contracts;

/// <summary>
/// One node's compute endpoint, pinned to that node's silo (its key is the silo's address, see
/// <see cref="Node.NodePlacementAttribute"/>): receives operand panels in checksummed chunks, keeps them for the rest
/// of the operation, computes GEMM tiles on the node's own engine, and hands the results back in chunks.
/// </summary>
/// <remarks>Every call is short (at most <see cref="CallSeconds"/>): a request that went through a gateway that then
/// died is never answered, so the app gives up on it after that long and asks again (every call can be repeated
/// safely). A long computation is started, then waited for in steps.</remarks>
public interface INodeGrain : IGrainWithStringKey
{
    /// <summary>How long any call may take before the app asks again.</summary>
    public const int CallSeconds = 20;

    /// <summary>What the node is: its name, threads, devices and measured throughput.</summary>
    [ResponseTimeout("00:00:20")]
    Task<NodeInfo> Describe();

    /// <summary>Stores one chunk of a panel (idempotent: a chunk sent twice is kept once). Throws when the checksum
    /// does not match the bytes or the chunk does not fit the panel.</summary>
    [AlwaysInterleave]
    [ResponseTimeout("00:00:20")]
    Task PutChunk(PanelChunk chunk);

    /// <summary>Pulls a whole panel from node <paramref name="peer"/> (its silo address, the other node's key), which
    /// holds it, instead of from the app: the bytes cross the peers' link and the app's link stays free. Returns the
    /// bytes fetched, or −1 when the peer no longer holds the panel (evicted, forgotten), so the app sends it itself.</summary>
    [AlwaysInterleave]
    [ResponseTimeout("00:00:20")]
    Task<long> Fetch(PanelKey panel, string peer, int chunkBytes);

    /// <summary>Chunk <paramref name="index"/> of a panel this node holds whole (cut at <paramref name="chunkBytes"/>,
    /// as the app cuts them), or null when it does not hold it.</summary>
    [AlwaysInterleave]
    [ResponseTimeout("00:00:20")]
    Task<PanelChunk?> ReadChunk(PanelKey panel, int index, int chunkBytes);

    /// <summary>Starts a tile from panels the node holds and returns its result's id at once; answers which panels it
    /// lacks instead when any is missing (never sent, or evicted), so the caller sends those and asks again.</summary>
    [AlwaysInterleave]
    [ResponseTimeout("00:00:20")]
    Task<TileAnswer> Start(TileRequest request);

    /// <summary>Waits up to a few seconds for a started tile: true once it is computed (its chunk count is then in
    /// the answer), false while it is still running; rethrows the node's error when it failed.</summary>
    [AlwaysInterleave]
    [ResponseTimeout("00:00:20")]
    Task<TileAnswer?> Wait(Guid result);

    /// <summary>One chunk of a computed tile (may be taken again until <see cref="Release"/>).</summary>
    [AlwaysInterleave]
    [ResponseTimeout("00:00:20")]
    Task<ResultChunk> TakeResult(Guid result, int chunk);

    /// <summary>Drops a computed tile once the app has every chunk.</summary>
    [AlwaysInterleave]
    [ResponseTimeout("00:00:20")]
    Task Release(Guid result);

    /// <summary>Drops the panels of operation <paramref name="problem"/> of the app <paramref name="app"/>.</summary>
    [AlwaysInterleave]
    [ResponseTimeout("00:00:20")]
    Task Forget(Guid app, long problem);

    /// <summary>Makes buffer <paramref name="buffer"/> of app <paramref name="app"/>: <paramref name="length"/>
    /// zeroed elements of <paramref name="precision"/> (f32 or f64), counted against the node's panel memory. Throws
    /// when it does not fit.</summary>
    [AlwaysInterleave]
    [ResponseTimeout("00:00:20")]
    Task AllocateBuffer(Guid app, long buffer, string precision, long length);

    /// <summary>Writes a chunk into an app's buffer (idempotent). Throws when the checksum does not match or the
    /// chunk does not fit.</summary>
    [AlwaysInterleave]
    [ResponseTimeout("00:00:20")]
    Task WriteBuffer(Guid app, BufferChunk chunk);

    /// <summary><paramref name="bytes"/> bytes of an app's buffer from byte <paramref name="offset"/>, checksummed.</summary>
    [AlwaysInterleave]
    [ResponseTimeout("00:00:20")]
    Task<BufferChunk> ReadBuffer(Guid app, long buffer, long offset, int bytes);

    /// <summary>Copies <paramref name="length"/> elements between two of an app's buffers on this node.</summary>
    [AlwaysInterleave]
    [ResponseTimeout("00:00:20")]
    Task CopyBuffer(Guid app, long source, long sourceOffset, long destination, long destinationOffset, long length);

    /// <summary>Frees an app's buffer (a buffer already gone is not an error).</summary>
    [AlwaysInterleave]
    [ResponseTimeout("00:00:20")]
    Task FreeBuffer(Guid app, long buffer);

    /// <summary>Runs one tile kernel on an app's buffers (see <see cref="NodeKernel"/>). Not repeated by the app: it
    /// works in place, so a call that got no answer fails the task instead.</summary>
    [AlwaysInterleave]
    [ResponseTimeout("00:00:20")]
    Task<NodeKernelAnswer> RunKernel(Guid app, NodeKernelCall call);

    /// <summary>Echoes <paramref name="payload"/>'s length: what the app times to measure the link (bandwidth and latency).</summary>
    [AlwaysInterleave]
    [ResponseTimeout("00:00:20")]
    Task<int> Echo(Immutable<byte[]> payload);
}
