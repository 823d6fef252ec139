using GpuCompute.Cluster.Contracts;
using Orleans.Concurrency;

namespace GpuCompute.Cluster.Node;

/// <summary>The node's endpoint (see <see cref="INodeGrain"/>): a thin shell over the node's <see cref="NodeEngine"/>,
/// pinned to its silo. Calls interleave, so several tiles and chunks are in flight at once; the engine is thread-safe.</summary>
[NodePlacement]
internal sealed class NodeGrain(NodeEngine node, Orleans.Runtime.ILocalSiloDetails silo) : Grain, INodeGrain
{
    /// <summary>Chunks asked of a peer at once.</summary>
    private const int FetchInFlight = 4;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // The placement director already put this activation on the silo its key names; a mismatch would mean
        // computing under another node's name.
        string here = silo.SiloAddress.ToParsableString();
        return this.GetPrimaryKeyString() == here
            ? Task.CompletedTask
            : throw new InvalidOperationException($"Node grain {this.GetPrimaryKeyString()} activated on {here}.");
    }

    public Task<NodeInfo> Describe() => Task.FromResult(node.Info);

    public Task PutChunk(PanelChunk chunk)
    {
        node.Put(chunk);
        return Task.CompletedTask;
    }

    public async Task<long> Fetch(PanelKey panel, string peer, int chunkBytes)
    {
        // The first chunk says how many there are; the rest come four at a time, each checked and stored as if the
        // app had sent it.
        INodeGrain source = GrainFactory.GetGrain<INodeGrain>(peer);
        PanelChunk? first = await source.ReadChunk(panel, 0, chunkBytes).ConfigureAwait(ConfigureAwaitOptions.ContinueOnCapturedContext);
        if (first is null)
        {
            return -1;
        }

        node.Put(first);
        long bytes = first.Bytes.Value.Length;
        for (int next = 1; next < first.Count; next += FetchInFlight)
        {
            PanelChunk?[] chunks = await Task.WhenAll(
                Enumerable.Range(next, Math.Min(FetchInFlight, first.Count - next)).Select(i => source.ReadChunk(panel, i, chunkBytes))).ConfigureAwait(ConfigureAwaitOptions.ContinueOnCapturedContext);
            foreach (PanelChunk? chunk in chunks)
            {
                if (chunk is null)
                {
                    return -1; // evicted there meanwhile: the app sends the rest (storing a chunk twice is harmless)
                }

                node.Put(chunk);
                bytes += chunk.Bytes.Value.Length;
            }
        }

        return bytes;
    }

    public Task<PanelChunk?> ReadChunk(PanelKey panel, int index, int chunkBytes) => Task.FromResult(node.Read(panel, index, chunkBytes));

    public Task<TileAnswer> Start(TileRequest request) => Task.FromResult(node.Start(request));

    public Task<TileAnswer?> Wait(Guid result) => node.WaitAsync(result, TimeSpan.FromSeconds(5));

    public Task<ResultChunk> TakeResult(Guid result, int chunk) => Task.FromResult(node.Take(result, chunk));

    public Task Release(Guid result)
    {
        node.Release(result);
        return Task.CompletedTask;
    }

    public Task Forget(Guid app, long problem)
    {
        node.Forget(app, problem);
        return Task.CompletedTask;
    }

    public Task AllocateBuffer(Guid app, long buffer, string precision, long length)
    {
        node.Buffers.Allocate(app, buffer, precision, length);
        return Task.CompletedTask;
    }

    public Task WriteBuffer(Guid app, BufferChunk chunk)
    {
        node.Buffers.Write(app, chunk);
        return Task.CompletedTask;
    }

    public Task<BufferChunk> ReadBuffer(Guid app, long buffer, long offset, int bytes) => Task.FromResult(node.Buffers.Read(app, buffer, offset, bytes));

    public Task CopyBuffer(Guid app, long source, long sourceOffset, long destination, long destinationOffset, long length)
    {
        node.Buffers.Copy(app, source, sourceOffset, destination, destinationOffset, length);
        return Task.CompletedTask;
    }

    public Task FreeBuffer(Guid app, long buffer)
    {
        node.Buffers.Free(app, buffer);
        return Task.CompletedTask;
    }

    public Task<NodeKernelAnswer> RunKernel(Guid app, NodeKernelCall call) => node.Buffers.RunAsync(app, call);

    public Task<int> Echo(Immutable<byte[]> payload) => Task.FromResult(payload.Value.Length);
}
