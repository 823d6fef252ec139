using System.Collections.Concurrent;
using System.Diagnostics;
using System.Numerics;
using GpuCompute.Cluster.Contracts;
using GpuCompute.Cluster.Transport;
using GpuCompute.Matrices;

namespace GpuCompute.Cluster.Node;

/// <summary>
/// A node's local engine and what it holds for apps: the panels they sent (kept for the rest of their operation, up to
/// a memory budget, least-recently-used out first; an app that finds one gone sends it again) and computed tiles
/// waiting to be taken.
/// </summary>
internal sealed class NodeEngine : IDisposable
{
    private readonly ConcurrentDictionary<PanelKey, Panel> panels = new();
    private readonly ConcurrentDictionary<Guid, Running> results = new();
    private readonly object budgetGate = new();

    // One tile at a time: the engine's threads are the node's budget; tiles queued here have their panels already,
    // so their transfers overlapped the tile before.
    private readonly SemaphoreSlim computing = new(1, 1);
    private long heldBytes;
    private long tick;

    public NodeEngine(ClusterNodeOptions options)
    {
        Options = options;
        Engine = new ComputeEngine(new ComputeEngineOptions { Devices = options.Devices, CpuThreads = options.Threads, PersistModels = options.PersistModels });
        Buffers = new NodeBuffers(Engine.Devices.FirstOrDefault(d => d.ComputesInHostMemory), options.PanelMemoryBytes, computing);
        double Throughput<T>()
            where T : unmanaged, IFloatingPointIeee754<T> => Engine.Devices.Sum(d => Engine.CalibratedGflops<T>(d));
        Info = new NodeInfo(
            options.Name, options.Threads ?? Environment.ProcessorCount, [.. Engine.Devices.Select(d => d.ToString())],
            Throughput<float>(), Throughput<double>(), options.PanelMemoryBytes);
    }

    public ClusterNodeOptions Options { get; }

    public ComputeEngine Engine { get; }

    /// <summary>The apps' task-graph buffers on this node and their tile kernels.</summary>
    public NodeBuffers Buffers { get; }

    public NodeInfo Info { get; }

    /// <summary>Panels held now, and their bytes (tests and reports).</summary>
    public (int Count, long Bytes) Held => (panels.Count, Interlocked.Read(ref heldBytes));

    public void Put(PanelChunk chunk)
    {
        PanelKey key = chunk.Panel;
        if (key.Precision is not ("f32" or "f64") || key.Rows < 0 || key.Cols < 0 || key.Bytes > Options.PanelMemoryBytes)
        {
            throw new ArgumentException($"Panel {key} cannot be held: {key.Bytes} bytes against a budget of {Options.PanelMemoryBytes}, precision f32 or f64.", nameof(chunk));
        }

        byte[] bytes = chunk.Bytes.Value;
        Chunks.Verify(bytes, chunk.Checksum, $"Chunk {chunk.Index} of {key}");

        // Under the budget's lock: a panel's first chunks arrive together, and only one of them may admit it (a
        // factory that ran twice would count its bytes twice).
        Panel? panel;
        lock (budgetGate)
        {
            if (!panels.TryGetValue(key, out panel))
            {
                panel = Admit(key, chunk.Count);
                panels[key] = panel;
            }
        }

        if (chunk.Count != panel.Chunks || chunk.Offset < 0 || chunk.Offset + bytes.Length > panel.Bytes.Length)
        {
            throw new ArgumentException($"Chunk {chunk.Index} of {chunk.Count} ({bytes.Length} bytes at {chunk.Offset}) does not fit {key} ({panel.Bytes.Length} bytes in {panel.Chunks} chunks).", nameof(chunk));
        }

        bytes.CopyTo(panel.Bytes[checked((int)chunk.Offset)..]);
        lock (panel.Received)
        {
            panel.Received.Add(chunk.Index);
        }

        panel.LastUse = Interlocked.Increment(ref tick);
    }

    /// <summary>Chunk <paramref name="index"/> of panel <paramref name="key"/>, cut as the app cuts them, when the node
    /// holds the panel whole (for a peer that fetches it); null when it does not.</summary>
    public PanelChunk? Read(PanelKey key, int index, int chunkBytes)
    {
        Chunks.CheckSize(chunkBytes, nameof(chunkBytes));
        if (!panels.TryGetValue(key, out Panel? panel) || !panel.Complete)
        {
            return null;
        }

        int count = Chunks.Count(key.Bytes, key.ElementBytes, chunkBytes);
        if (index < 0 || index >= count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"{key} has {count} chunks of {chunkBytes} bytes.");
        }

        panel.LastUse = Interlocked.Increment(ref tick);
        (long offset, byte[] bytes) = panel.Elements is float[] single
            ? Chunks.Gather(new HostMatrix<float>(single, key.Rows, key.Cols, Math.Max(1, key.Cols)), index, chunkBytes)
            : Chunks.Gather(new HostMatrix<double>((double[])panel.Elements, key.Rows, key.Cols, Math.Max(1, key.Cols)), index, chunkBytes);
        return new PanelChunk(key, index, count, offset, new Orleans.Concurrency.Immutable<byte[]>(bytes), Chunks.Checksum(bytes));
    }

    /// <summary>Starts a tile on the node's engine (on the thread pool) when every panel is here; else names those
    /// missing. At most <see cref="MaxResults"/> results are kept: the oldest finished ones go first (an app that died
    /// never releases its own).</summary>
    public TileAnswer Start(TileRequest request)
    {
        Chunks.CheckSize(request.ChunkBytes, nameof(request));
        PanelKey[] wanted = request.C is null ? [request.A, request.B] : [request.A, request.B, request.C];
        var missing = wanted.Where(k => !panels.TryGetValue(k, out Panel? p) || !p.Complete).ToArray();
        if (missing.Length > 0)
        {
            return new TileAnswer(missing, Guid.Empty, 0, 0);
        }

        // The panels are taken now: the tile may wait its turn while newer panels evict these from the store.
        var taken = new Dictionary<PanelKey, Panel>();
        foreach (PanelKey key in wanted)
        {
            if (!panels.TryGetValue(key, out Panel? panel))
            {
                return new TileAnswer([key], Guid.Empty, 0, 0); // evicted since the check above
            }

            panel.LastUse = Interlocked.Increment(ref tick);
            taken[key] = panel;
        }

        var id = Guid.NewGuid();
        results[id] = new Running(Task.Run(async () =>
        {
            await computing.WaitAsync().ConfigureAwait(false);
            try
            {
                long start = Stopwatch.GetTimestamp();
                Result result = request.A.Precision == "f32" ? Multiply<float>(request, taken) : Multiply<double>(request, taken);
                result.Seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
                return result;
            }
            finally
            {
                computing.Release();
            }
        }), Interlocked.Increment(ref tick));
        while (results.Count > MaxResults && results.Where(r => r.Value.Work.IsCompleted).MinBy(r => r.Value.Started) is { Key: var oldest } && oldest != Guid.Empty)
        {
            results.TryRemove(oldest, out _);
        }

        return new TileAnswer([], id, 0, 0);
    }

    /// <summary>The most results kept waiting to be taken.</summary>
    public const int MaxResults = 64;

    /// <summary>Waits up to <paramref name="patience"/> for a started tile: its answer once computed, null while it runs.</summary>
    public async Task<TileAnswer?> WaitAsync(Guid id, TimeSpan patience)
    {
        Running running = Find(id);
        await Task.WhenAny(running.Work, Task.Delay(patience)).ConfigureAwait(false);
        if (!running.Work.IsCompleted)
        {
            return null;
        }

        Result result = await running.Work.ConfigureAwait(false); // rethrows the node's error
        return new TileAnswer([], id, result.Chunks, result.Seconds);
    }

    public ResultChunk Take(Guid id, int index)
    {
        Running running = Find(id);
        if (!running.Work.IsCompletedSuccessfully || index < 0 || index >= running.Work.Result.Chunks)
        {
            throw new ArgumentException($"Result {id} has no chunk {index} ready.", nameof(index));
        }

        (long offset, byte[] bytes) = running.Work.Result.Gather(index);
        return new ResultChunk(index, offset, new Orleans.Concurrency.Immutable<byte[]>(bytes), Chunks.Checksum(bytes));
    }

    public void Release(Guid id) => results.TryRemove(id, out _);

    private Running Find(Guid id) =>
        results.TryGetValue(id, out Running? running)
            ? running
            : throw new ArgumentException($"No result {id} on node {Options.Name} (released, dropped as one of more than {MaxResults}, or never started).", nameof(id));

    public void Forget(Guid app, long problem)
    {
        foreach (PanelKey key in panels.Keys.Where(k => k.App == app && k.Problem == problem))
        {
            Drop(key);
        }
    }

    public void Dispose()
    {
        Engine.Dispose();
        computing.Dispose();
    }

    private Result Multiply<T>(TileRequest request, Dictionary<PanelKey, Panel> taken)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        HostMatrix<T> View(PanelKey key) => new((T[])taken[key].Elements, key.Rows, key.Cols, Math.Max(1, key.Cols));
        HostMatrix<T> a = View(request.A), b = View(request.B);
        if (a.Cols != b.Rows)
        {
            throw new ArgumentException($"A panel {request.A} and B panel {request.B} do not multiply: {a.Rows} x {a.Cols} by {b.Rows} x {b.Cols}.", nameof(request));
        }

        var c = request.C is PanelKey ck ? Copy(View(ck)) : new HostMatrix<T>(a.Rows, b.Cols);
        if (c.Rows != a.Rows || c.Cols != b.Cols)
        {
            throw new ArgumentException($"C panel {request.C} is {c.Rows} x {c.Cols}; the product is {a.Rows} x {b.Cols}.", nameof(request));
        }

        Engine.Gemm(T.CreateChecked(request.Alpha), a, Transpose.None, b, Transpose.None, request.C is null ? T.Zero : T.CreateChecked(request.Beta), c);
        return new Result<T>(c, request.ChunkBytes);
    }

    private static HostMatrix<T> Copy<T>(HostMatrix<T> m)
        where T : unmanaged, IFloatingPointIeee754<T> => new([.. m.Data.AsSpan(0, m.Rows * m.Cols)], m.Rows, m.Cols, Math.Max(1, m.Cols));

    /// <summary>Makes room for a new panel: the least recently used go first (an app sends one again if it needs it).
    /// Called under the budget's lock.</summary>
    private Panel Admit(PanelKey key, int chunks)
    {
        while (Interlocked.Read(ref heldBytes) + key.Bytes > Options.PanelMemoryBytes && panels.Where(p => p.Value.Complete).MinBy(p => p.Value.LastUse) is { Key: { } oldest })
        {
            Drop(oldest);
        }

        Interlocked.Add(ref heldBytes, key.Bytes);
        return new Panel(key, chunks);
    }

    private void Drop(PanelKey key)
    {
        if (panels.TryRemove(key, out _))
        {
            Interlocked.Add(ref heldBytes, -key.Bytes);
        }
    }

    /// <summary>A panel's elements, filled chunk by chunk as its bytes arrive.</summary>
    private sealed class Panel(PanelKey key, int chunks)
    {
        /// <summary>The elements (float[] or double[]), written through <see cref="Bytes"/>.</summary>
        public Array Elements { get; } = key.Precision == "f32" ? new float[key.Rows * key.Cols] : new double[key.Rows * key.Cols];

        public Span<byte> Bytes => Elements is float[] single
            ? System.Runtime.InteropServices.MemoryMarshal.AsBytes(single.AsSpan())
            : System.Runtime.InteropServices.MemoryMarshal.AsBytes(((double[])Elements).AsSpan());

        public int Chunks { get; } = chunks;

        public HashSet<int> Received { get; } = [];

        public long LastUse { get; set; }

        public bool Complete
        {
            get
            {
                lock (Received)
                {
                    return Received.Count == Chunks;
                }
            }
        }
    }

    /// <summary>A started tile: its computation, and when it started (for dropping the oldest).</summary>
    private sealed record Running(Task<Result> Work, long Started);

    private abstract class Result(int chunks)
    {
        public int Chunks { get; } = chunks;

        public double Seconds { get; set; }

        public abstract (long Offset, byte[] Bytes) Gather(int index);
    }

    private sealed class Result<T>(HostMatrix<T> c, int chunkBytes)
        : Result(Transport.Chunks.Count((long)c.Rows * c.Cols * System.Runtime.CompilerServices.Unsafe.SizeOf<T>(), System.Runtime.CompilerServices.Unsafe.SizeOf<T>(), chunkBytes))
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        public override (long Offset, byte[] Bytes) Gather(int index) => Transport.Chunks.Gather(c, index, chunkBytes);
    }
}
