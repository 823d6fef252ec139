using System.Collections.Concurrent;
using System.Diagnostics;
using GpuCompute.Backends;
using GpuCompute.Cluster.Contracts;
using GpuCompute.Cluster.Transport;
using GpuCompute.Gemm;
using GpuCompute.Matrices;
using Orleans.Concurrency;

namespace GpuCompute.Cluster.App;

/// <summary>
/// A cluster node as one device of the app's engine. A GEMM tile goes to the node as the panels it needs (op(A)'s
/// rows and op(B)'s columns of the tile, C's tile when β ≠ 0), in checksummed chunks, four in flight per panel, cut
/// into row strips that are computed while the next ones arrive; the node keeps
/// the panels for the rest of the operation, so the tiles after the first in a row or column send only what the node
/// lacks, and a panel another node already holds is fetched from that node (peer to peer) instead of from the app;
/// the node's own engine splits the tile across its devices; the result comes back in chunks, checked, straight
/// into C. Its performance model is the node's reported throughput with the link's measured bandwidth and latency, so
/// the engine's policies decide what goes to it. A call that fails (the node died, the link broke) is the device
/// failing: the executor runs its tiles elsewhere and names it.
/// </summary>
internal sealed partial class RemoteNodeDevice : ComputeDevice
{
    private const int InFlight = 4;

    private readonly INodeGrain grain;
    private readonly string silo;
    private readonly Guid app;
    private readonly NodeInfo info;
    private readonly ConcurrentDictionary<PanelKey, byte> held = new();
    private readonly ConcurrentQueue<long> problems = new();

    public RemoteNodeDevice(NodeInfo info, INodeGrain grain, string silo, Guid app)
        : base($"node:{info.Name}", $"node {info.Name} ({string.Join(", ", info.Devices)})", DeviceKind.Node, info.MemoryBytes)
    {
        this.info = info;
        this.grain = grain;
        this.silo = silo;
        this.app = app;
    }

    /// <summary>Bytes sent to the node and received from it so far.</summary>
    public long BytesMoved => Interlocked.Read(ref bytesMoved);

    /// <summary>Bytes of panels the node fetched from other nodes instead of from the app so far.</summary>
    public long BytesFromPeers => Interlocked.Read(ref bytesFromPeers);

    /// <summary>The panels the app's nodes hold, shared by the backend's devices; null: every panel comes from the app.</summary>
    public PanelHolders? Peers { get; init; }

    private long bytesMoved;
    private long bytesFromPeers;

    /// <summary>The size of every chunk this device sends and asks for (checked when set: a message near Orleans'
    /// 100 MB limit would tear down the connection, so it is refused before anything is sent).</summary>
    public int ChunkBytes
    {
        get => chunkBytes;
        init
        {
            Chunks.CheckSize(value, nameof(ChunkBytes));
            chunkBytes = value;
        }
    }

    private readonly int chunkBytes = Chunks.DefaultChunkBytes;

    /// <summary>The node's silo address, as Orleans membership names it.</summary>
    public string Silo => silo;

    /// <summary>Completes when Orleans membership no longer lists the node (set by the backend's watch).</summary>
    public Task Departed { get; set; } = new TaskCompletionSource().Task;

    // The threads belong to the identity: a stored model of the same node name with other threads is another device.
    internal override string Identity => $"Node|{info.Name}|{info.Threads} threads|{string.Join(";", info.Devices)}";

    internal override bool HoldsData => false;

    internal override double? ReportedGflops(Type precision) => precision == typeof(float) ? info.GflopsF32 : info.GflopsF64;

    internal override void RunGemmTile<T>(GemmProblem<T> problem, GemmTile tile, CancellationToken cancellation)
    {
        try
        {
            Task.Run(() => RunAsync(problem, tile, cancellation), cancellation).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is not (OperationCanceledException or OutOfMemoryException or ArgumentException))
        {
            throw new IOException($"Node {info.Name} ({silo}) failed on tile ({tile.Row}, {tile.Col}) {tile.Rows}x{tile.Cols}: {e.Message}", e);
        }
    }

    internal override (double BandwidthBytesPerSecond, double LatencySeconds)? MeasureTransfer() =>
        Task.Run(MeasureLinkAsync).GetAwaiter().GetResult();

    /// <summary>
    /// A tile as row strips sent, computed and received in a pipeline: op(B)'s panel (every strip needs it) and the
    /// strips' op(A) rows go together, each strip starting once its rows and op(B) are there; the node computes one strip at a time (its engine's threads are the
    /// node's budget) while the next strips' rows are still arriving and the finished ones' results travel back. The
    /// strips are cut the same way for every tile of a row band, so the node's held rows serve them all.
    /// </summary>
    private async Task RunAsync<T>(GemmProblem<T> problem, GemmTile tile, CancellationToken cancellation)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        Remember(problem.Id);
        string precision = typeof(T) == typeof(float) ? "f32" : "f64";
        var b = new PanelKey(app, problem.Id, 'B', tile.Col, problem.K, tile.Cols, precision);
        Task bSent = held.ContainsKey(b) ? Task.CompletedTask : SendB();
        int strips = Math.Clamp(tile.Rows / MinStripRows, 1, MaxStrips);
        var work = new List<Task>(strips + 1) { bSent };
        for (int s = 0; s < strips; s++)
        {
            int first = tile.Rows * s / strips, last = tile.Rows * (s + 1) / strips;
            work.Add(StripAsync(problem, new GemmTile(tile.Row + first, tile.Col, last - first, tile.Cols), b, bSent, precision, cancellation));
        }

        await Task.WhenAll(work).ConfigureAwait(false);

        async Task SendB()
        {
            await DeliverAsync(b, () => View(problem, b, problem.C), cancellation).ConfigureAwait(false);
            held[b] = 0;
        }
    }

    /// <summary>Strips are at least this many rows: below it a strip's round trips cost more than the overlap saves.</summary>
    private const int MinStripRows = 128;

    /// <summary>At most this many strips per tile.</summary>
    private const int MaxStrips = 4;

    private async Task StripAsync<T>(GemmProblem<T> problem, GemmTile strip, PanelKey b, Task bSent, string precision, CancellationToken cancellation)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var a = new PanelKey(app, problem.Id, 'A', strip.Row, strip.Rows, problem.K, precision);
        PanelKey? c = T.IsZero(problem.Beta) ? null : new PanelKey(app, problem.Id, 'C', strip.Row, strip.Rows, strip.Cols, precision, strip.Col);
        HostMatrix<T> target = problem.C.Slice(strip.Row, strip.Col, strip.Rows, strip.Cols);
        var request = new TileRequest(a, b, c, double.CreateChecked(problem.Alpha), double.CreateChecked(problem.Beta), ChunkBytes);

        // Send what the node is not known to hold; it answers with what it lacks (evicted, or restarted) and that is
        // sent again, at most twice more.
        IReadOnlyList<PanelKey> send = [.. (c is null ? new[] { a } : [a, c]).Where(p => !held.ContainsKey(p))];
        for (int attempt = 0; ; attempt++)
        {
            foreach (PanelKey panel in send)
            {
                await DeliverAsync(panel, () => View(problem, panel, target), cancellation).ConfigureAwait(false);
                held[panel] = 0;
            }

            await bSent.ConfigureAwait(false); // op(B)'s panel travels beside the strips' rows
            TileAnswer answer = await Call(() => grain.Start(request), cancellation).ConfigureAwait(false);
            if (answer.Missing.Count == 0)
            {
                TileAnswer? done;
                while ((done = await Call(() => grain.Wait(answer.Result), cancellation).ConfigureAwait(false)) is null)
                {
                }

                await ReceiveAsync(done, target, cancellation).ConfigureAwait(false);
                _ = grain.Release(done.Result); // best effort: the node also drops old results by itself
                return;
            }

            if (attempt == 2)
            {
                throw new InvalidOperationException($"Node {info.Name} keeps losing panels ({string.Join(", ", answer.Missing)}): its panel memory ({info.MemoryBytes} bytes) is too small for one tile.");
            }

            foreach (PanelKey lost in answer.Missing)
            {
                held.TryRemove(lost, out _);
                Peers?.Remove(lost, this);
            }

            send = answer.Missing;
        }
    }

    /// <summary>The host view a panel is cut from: op(A)'s rows or op(B)'s columns (copied when the operand is
    /// transposed, so the node always gets row-major panels), or C's tile.</summary>
    private static HostMatrix<T> View<T>(GemmProblem<T> problem, PanelKey panel, HostMatrix<T> target)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        return panel.Operand switch
        {
            'A' => problem.OpA == Matrices.Transpose.None ? problem.A.Slice(panel.First, 0, panel.Rows, panel.Cols) : Transposed(problem.A.Slice(0, panel.First, panel.Cols, panel.Rows)),
            'B' => problem.OpB == Matrices.Transpose.None ? problem.B.Slice(0, panel.First, panel.Rows, panel.Cols) : Transposed(problem.B.Slice(panel.First, 0, panel.Cols, panel.Rows)),
            _ => target,
        };
    }

    /// <summary>A transposed copy, by the CPU device's blocked SIMD transpose (one thread: the app's other threads are
    /// sending chunks meanwhile).</summary>
    private static HostMatrix<T> Transposed<T>(HostMatrix<T> m)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var t = new HostMatrix<T>(m.Cols, m.Rows);
        Backends.Cpu.CpuTranspose.Run(m.Data, m.Offset, m.LeadingDimension, t.Data, 0, Math.Max(1, t.Cols), m.Rows, m.Cols, threads: 1);
        return t;
    }

    /// <summary>Gets <paramref name="panel"/> to the node: fetched from a peer that holds it whole when there is one
    /// (see <see cref="PanelHolders"/>), else sent from <paramref name="view"/> (made only then: a transposed operand's
    /// panel is a copy).</summary>
    private async Task DeliverAsync<T>(PanelKey panel, Func<HostMatrix<T>> view, CancellationToken cancellation)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        if (Peers?.Holder(panel, this) is RemoteNodeDevice peer)
        {
            // One try, given up on as soon as either node leaves membership or the call's time is up: the app then
            // sends the panel itself, which is never slower than waiting for a peer that may be gone.
            Task<long> fetch = grain.Fetch(panel, peer.Silo, ChunkBytes);
            try
            {
                Task first = await Task.WhenAny(fetch, peer.Departed, Departed).WaitAsync(TimeSpan.FromSeconds(INodeGrain.CallSeconds), cancellation).ConfigureAwait(false);
                if (first == fetch && await fetch.ConfigureAwait(false) is long fetched and >= 0)
                {
                    Interlocked.Add(ref bytesFromPeers, fetched);
                    Peers.Add(panel, this);
                    return;
                }

                if (first == fetch)
                {
                    Peers.Remove(panel, peer); // it no longer has it
                }
            }
            catch (Exception e) when (e is not (OperationCanceledException or OutOfMemoryException))
            {
                // The peer died or failed while sending, or took too long.
            }

            _ = fetch.ContinueWith(t => _ = t.Exception, TaskScheduler.Default); // observe a late failure
        }

        await SendAsync(panel, view(), cancellation).ConfigureAwait(false);
        Peers?.Add(panel, this);
    }

    private async Task SendAsync<T>(PanelKey panel, HostMatrix<T> view, CancellationToken cancellation)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        using var slots = new SemaphoreSlim(InFlight);
        var sends = new List<Task>();
        foreach (PanelChunk chunk in Chunks.Panel(panel, view, ChunkBytes))
        {
            await slots.WaitAsync(cancellation).ConfigureAwait(false);
            sends.Add(Send(chunk));
        }

        await Task.WhenAll(sends).ConfigureAwait(false);

        async Task Send(PanelChunk chunk)
        {
            try
            {
                await Call(() => grain.PutChunk(chunk), cancellation).ConfigureAwait(false);
                Interlocked.Add(ref bytesMoved, chunk.Bytes.Value.Length);
            }
            finally
            {
                slots.Release();
            }
        }
    }

    private async Task ReceiveAsync<T>(TileAnswer answer, HostMatrix<T> target, CancellationToken cancellation)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        using var slots = new SemaphoreSlim(InFlight);
        var takes = new List<Task>();
        for (int i = 0; i < answer.Chunks; i++)
        {
            await slots.WaitAsync(cancellation).ConfigureAwait(false);
            takes.Add(Take(i));
        }

        await Task.WhenAll(takes).ConfigureAwait(false);

        async Task Take(int index)
        {
            try
            {
                ResultChunk chunk = await Call(() => grain.TakeResult(answer.Result, index), cancellation).ConfigureAwait(false);
                byte[] bytes = chunk.Bytes.Value;
                Chunks.Verify(bytes, chunk.Checksum, $"Result chunk {index} from node {info.Name}");
                Chunks.Scatter(bytes, chunk.Offset, target);
                Interlocked.Add(ref bytesMoved, bytes.Length);
            }
            finally
            {
                slots.Release();
            }
        }
    }

    /// <summary>
    /// One call to the node, asked again (every call may be) when its answer does not come within
    /// <see cref="INodeGrain.CallSeconds"/>: a request that went through a gateway that died is never answered. Fails at
    /// once when Orleans membership drops the node (a call to a dead node never gets its response either), and after
    /// three unanswered tries; a call that is not <paramref name="repeatable"/> (a kernel working in place) fails at
    /// its first timeout instead.
    /// </summary>
    private async Task<TResult> Call<TResult>(Func<Task<TResult>> call, CancellationToken cancellation, bool repeatable = true)
    {
        for (int attempt = 1; ; attempt++)
        {
            Task<TResult> pending = call();
            try
            {
                Task first = await Task.WhenAny(pending, Departed).WaitAsync(cancellation).ConfigureAwait(false);
                if (first != pending)
                {
                    _ = pending.ContinueWith(t => _ = t.Exception, TaskScheduler.Default); // observe its late failure
                    throw new IOException($"Orleans membership no longer lists node {info.Name} ({silo}): it died or left the cluster.");
                }

                return await pending.ConfigureAwait(false);
            }
            catch (TimeoutException) when (repeatable && attempt < 3 && !Departed.IsCompleted)
            {
                // Lost on the way (a gateway died under it): ask again.
            }
        }
    }

    private Task Call(Func<Task> call, CancellationToken cancellation) =>
        Call(async () =>
        {
            await call().ConfigureAwait(false);
            return true;
        }, cancellation);

    /// <summary>Tells the node to drop the panels of operations four or more behind the newest (the node also evicts
    /// by itself under its memory budget).</summary>
    private void Remember(long problem)
    {
        if (problems.Contains(problem))
        {
            return;
        }

        problems.Enqueue(problem);
        while (problems.Count > 4 && problems.TryDequeue(out long old))
        {
            foreach (PanelKey key in held.Keys.Where(k => k.Problem == old))
            {
                held.TryRemove(key, out _);
                Peers?.Remove(key, this);
            }

            _ = grain.Forget(app, old); // best effort: the node's own eviction is the backstop
        }
    }

    /// <summary>Bandwidth from the best of three 4 MiB echoes, latency from the best of five 1-byte ones.</summary>
    private async Task<(double, double)?> MeasureLinkAsync()
    {
        var small = new Immutable<byte[]>(new byte[1]);
        var large = new Immutable<byte[]>(new byte[Chunks.DefaultChunkBytes]);
        double latency = double.MaxValue, transfer = double.MaxValue;
        await grain.Echo(small).ConfigureAwait(false);
        for (int i = 0; i < 5; i++)
        {
            long start = Stopwatch.GetTimestamp();
            await grain.Echo(small).ConfigureAwait(false);
            latency = Math.Min(latency, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }

        for (int i = 0; i < 3; i++)
        {
            long start = Stopwatch.GetTimestamp();
            await grain.Echo(large).ConfigureAwait(false);
            transfer = Math.Min(transfer, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }

        return (large.Value.Length / Math.Max(transfer - latency, 1e-9), latency);
    }
}
