using System.Numerics;
using GpuCompute.Matrices;
using GpuCompute.Tasks;

namespace GpuCompute.Factorizations;

/// <summary>
/// Tile Householder QR (A = Q·R, m × n with m ≥ n) as a task graph, right-looking: step k factors the tile column
/// below the diagonal as one panel (its reflectors as V and T, I − V·T·Vᵀ), then every tile column to its right is
/// updated by Qₖᵀ = I − V·Tᵀ·Vᵀ in three GEMMs, one task per tile column. The updates run on any device, the panels on
/// the CPU device and on any device with the tile kernels; where a device computes in its own memory, both work on its
/// tile copies of A and of the reflectors. The reflectors stay in the panels' V and T for applying Qᵀ later (least
/// squares).
/// </summary>
internal sealed class TiledQr<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly HostMatrix<T> a;
    private readonly T[] tau;
    private readonly int tile;
    private readonly HostMatrix<T>[] vs;
    private readonly HostMatrix<T>[] ts;

    public TiledQr(HostMatrix<T> a, T[] tau, int tile)
    {
        this.a = a;
        this.tau = tau;
        this.tile = tile;
        int panels = (a.Cols + tile - 1) / tile;
        vs = new HostMatrix<T>[panels];
        ts = new HostMatrix<T>[panels];
        for (int k = 0; k < panels; k++)
        {
            // Made now, not by the panel task, so that their tiles have names (handles) before the graph runs.
            vs[k] = new HostMatrix<T>(a.Rows - (k * tile), Width(k));
            ts[k] = new HostMatrix<T>(Width(k), Width(k));
        }
    }

    private int RowTiles => (a.Rows + tile - 1) / tile;

    private int ColumnTiles => (a.Cols + tile - 1) / tile;

    private int Width(int k) => Math.Min(tile, a.Cols - (k * tile));

    /// <summary>The factorization's graph.</summary>
    /// <remarks>Handles: A's tiles, then each panel's V by tile rows (V_k's tile i holds rows of tile row i ≥ k), then
    /// each panel's T; the updates work on tile copies, so a device that computes in its own memory keeps A's tiles
    /// and the reflectors between updates.</remarks>
    public TaskGraph Factor()
    {
        int m = a.Rows, rowTiles = RowTiles, columnTiles = ColumnTiles;
        int Handle(int i, int j) => (i * columnTiles) + j;
        int VHandle(int k, int i) => (rowTiles * columnTiles) + (k * rowTiles) + i;
        int THandle(int k) => (2 * rowTiles * columnTiles) + k;
        int Rows(int i) => Math.Min(tile, m - (i * tile));
        (int, DataAccess)[] Column(int k, int j, DataAccess access) => [.. Enumerable.Range(k, rowTiles - k).Select(i => (Handle(i, j), access))];
        (int, DataAccess)[] Reflectors(int k, DataAccess access) => [.. Enumerable.Range(k, rowTiles - k).Select(i => (VHandle(k, i), access)), (THandle(k), access)];
        HostMatrix<T> View(int h) =>
            h < rowTiles * columnTiles ? a.Slice(h / columnTiles * tile, h % columnTiles * tile, Rows(h / columnTiles), Width(h % columnTiles))
            : h < 2 * rowTiles * columnTiles ? V((h - (rowTiles * columnTiles)) / rowTiles, (h - (rowTiles * columnTiles)) % rowTiles)
            : ts[h - (2 * rowTiles * columnTiles)];
        string Name(int h) =>
            h < rowTiles * columnTiles ? $"A({h / columnTiles}, {h % columnTiles})"
            : h < 2 * rowTiles * columnTiles ? $"V{(h - (rowTiles * columnTiles)) / rowTiles}({(h - (rowTiles * columnTiles)) % rowTiles})"
            : $"T{h - (2 * rowTiles * columnTiles)}";
        var copies = new TileCopies<T>(View, Name);
        var graph = new TaskGraph { Copies = copies };
        for (int k = 0; k < columnTiles; k++)
        {
            int kk = k, first = k * tile, b = Width(k);
            double rows = m - first;
            graph.Add(new GraphTask(
                $"panel({k})", 2 * b * b * (rows - (b / 3.0)), [.. Column(k, k, DataAccess.ReadWrite), .. Reflectors(k, DataAccess.Write)], TileKernels.CanRun,
                (device, stop) => copies.QrPanel(
                    device, [.. Enumerable.Range(kk, rowTiles - kk).Select(i => Handle(i, kk))], [.. Enumerable.Range(kk, rowTiles - kk).Select(i => VHandle(kk, i))],
                    THandle(kk), tau.AsSpan(first, b), stop),
                DeviceCopies: true));
            for (int j = k + 1; j < columnTiles; j++)
            {
                int jj = j;
                graph.Add(new GraphTask(
                    $"update({k},{j})", 4 * rows * b * Width(j), [.. Reflectors(k, DataAccess.Read), .. Column(k, j, DataAccess.ReadWrite)], _ => true,
                    (device, stop) =>
                    {
                        if (device.ComputesInHostMemory)
                        {
                            ApplyTransposed(device, kk, a.Slice(first, jj * tile, m - first, Width(jj)), stop); // whole column views: one GEMM per step
                        }
                        else
                        {
                            copies.ApplyBlockReflector(
                                device, [.. Enumerable.Range(kk, rowTiles - kk).Select(i => VHandle(kk, i))], THandle(kk),
                                [.. Enumerable.Range(kk, rowTiles - kk).Select(i => Handle(i, jj))], stop);
                        }
                    },
                    DeviceCopies: true));
            }
        }

        return graph;
    }

    /// <summary>Tile i (≥ k) of panel k's V: the rows of V that lie in A's tile row i.</summary>
    private HostMatrix<T> V(int k, int i)
    {
        int start = (i - k) * tile;
        return vs[k].Slice(start, 0, Math.Min(tile, vs[k].Rows - start), vs[k].Cols);
    }

    /// <summary>The graph of B ← Qᵀ·B (B m × r, tile rows of B as handles), panel by panel.</summary>
    public TaskGraph ApplyQTransposed(HostMatrix<T> b)
    {
        var graph = new TaskGraph();
        for (int k = 0; k < ColumnTiles; k++)
        {
            int kk = k, first = k * tile;
            graph.Add(new GraphTask(
                $"apply({k})", 4.0 * (a.Rows - first) * Width(k) * b.Cols, [(0, DataAccess.ReadWrite)], _ => true,
                (device, stop) => ApplyTransposed(device, kk, b.Slice(first, 0, a.Rows - first, b.Cols), stop)));
        }

        return graph;
    }

    /// <summary>The graph of Q's first n columns (m × n) into <paramref name="q"/>: Q·[I; 0] by the panels' reflectors
    /// in reverse order.</summary>
    public TaskGraph FormQ(HostMatrix<T> q)
    {
        var graph = new TaskGraph();
        graph.Add(new GraphTask("identity", 0, [(0, DataAccess.Write)], _ => true, (_, _) =>
        {
            q.Data.AsSpan().Clear();
            for (int i = 0; i < Math.Min(q.Rows, q.Cols); i++)
            {
                q[i, i] = T.One;
            }
        }));
        for (int k = ColumnTiles - 1; k >= 0; k--)
        {
            int kk = k, first = k * tile;
            graph.Add(new GraphTask(
                $"form-q({k})", 4.0 * (a.Rows - first) * Width(k) * q.Cols, [(0, DataAccess.ReadWrite)], _ => true,
                (device, stop) => Apply(device, kk, q.Slice(first, 0, a.Rows - first, q.Cols), transposed: false, stop)));
        }

        return graph;
    }

    private void ApplyTransposed(Backends.ComputeDevice device, int k, HostMatrix<T> c, CancellationToken stop) =>
        Apply(device, k, c, transposed: true, stop);

    /// <summary>C ← Qₖᵀ·C = C − V·(Tᵀ·(Vᵀ·C)), or Qₖ·C with T for Tᵀ, for the rows of C at and below panel k's first row.</summary>
    private void Apply(Backends.ComputeDevice device, int k, HostMatrix<T> c, bool transposed, CancellationToken stop)
    {
        HostMatrix<T> v = vs[k], t = ts[k];
        int b = t.Rows, size = b * c.Cols;
        if (size == 0)
        {
            return;
        }

        // The two b × r intermediates come from the pool: each update task would otherwise allocate them (over a
        // megabyte each at tiles of 384) on the large-object heap.
        T[] scratch = System.Buffers.ArrayPool<T>.Shared.Rent(2 * size);
        try
        {
            var w = new HostMatrix<T>(scratch, b, c.Cols, Math.Max(1, c.Cols));
            var tw = new HostMatrix<T>(scratch, b, c.Cols, Math.Max(1, c.Cols), size);
            TileKernels.Gemm(device, T.One, v, Transpose.Transposed, c, Transpose.None, T.Zero, w, stop);
            TileKernels.Gemm(device, T.One, t, transposed ? Transpose.Transposed : Transpose.None, w, Transpose.None, T.Zero, tw, stop);
            TileKernels.Gemm(device, -T.One, v, Transpose.None, tw, Transpose.None, T.One, c, stop);
        }
        finally
        {
            System.Buffers.ArrayPool<T>.Shared.Return(scratch);
        }
    }
}
