using System.Numerics;
using GpuCompute.Matrices;
using GpuCompute.Tasks;

namespace GpuCompute.Factorizations;

/// <summary>
/// Tile Cholesky (A = L·Lᵀ, lower) and its solve as task graphs: the tasks are submitted in the order of the
/// right-looking algorithm with the tiles they read and write, and the runtime infers the rest. POTRF, TRSM and SYRK tasks
/// run on the CPU device or on a device with the triangular tile kernels (ILGPU's), on its tile copies; the GEMM
/// updates, which are most of the flops, on any device.
/// </summary>
internal static class TiledCholesky
{
    /// <summary>The tile order: large enough that each task's GEMM runs near the device's peak, small enough to give
    /// the devices several tasks at once.</summary>
    public const int DefaultTile = 384;

    /// <summary>The graph of the factorization of <paramref name="a"/> (n × n) in tiles of <paramref name="tile"/>.</summary>
    public static TaskGraph Factor<T>(HostMatrix<T> a, int tile)
        where T : unmanaged, IFloatingPointIeee754<T> => Factor(a.Rows, tile, a);

    /// <summary>The same graph for an order-<paramref name="n"/> matrix that is not there: tasks with their costs and
    /// accesses, for the simulator (running one throws).</summary>
    public static TaskGraph Shape(int n, int tile) => Shape<double>(n, tile);

    /// <summary>The simulator's graph with tiles of <typeparamref name="T"/> (their size is what crosses links).</summary>
    public static TaskGraph Shape<T>(int n, int tile)
        where T : unmanaged, IFloatingPointIeee754<T> => Factor<T>(n, tile, null);

    private static TaskGraph Factor<T>(int n, int tile, HostMatrix<T>? matrix)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int tiles = (n + tile - 1) / tile;
        HostMatrix<T> Matrix() => matrix ?? throw new InvalidOperationException("A simulated graph's tasks do not run.");
        HostMatrix<T> Tile(int i, int j) => Matrix().Slice(i * tile, j * tile, Math.Min(tile, n - (i * tile)), Math.Min(tile, n - (j * tile)));
        int Handle(int i, int j) => (i * tiles) + j;
        double Size(int i) => Math.Min(tile, n - (i * tile));
        var copies = matrix is null ? null : new TileCopies<T>(h => Tile(h / tiles, h % tiles), h => $"A({h / tiles}, {h % tiles})");
        var graph = new TaskGraph { Copies = copies, HandleBytes = h => (long)Size(h / tiles) * (long)Size(h % tiles) * System.Runtime.CompilerServices.Unsafe.SizeOf<T>() };
        for (int k = 0; k < tiles; k++)
        {
            int kk = k;
            double b = Size(k);
            graph.Add(new GraphTask(
                $"potrf({k})", b * b * b / 3, [(Handle(k, k), DataAccess.ReadWrite)], TileKernels.CanRun,
                (device, stop) =>
                {
                    int info = copies!.Potrf(device, Handle(kk, kk), stop);
                    if (info >= 0)
                    {
                        throw new MatrixNotPositiveDefiniteException((kk * tile) + info, n, "a");
                    }
                },
                DeviceCopies: true));
            for (int i = k + 1; i < tiles; i++)
            {
                int ii = i;
                graph.Add(new GraphTask(
                    $"trsm({i},{k})", Size(i) * b * b, [(Handle(k, k), DataAccess.Read), (Handle(i, k), DataAccess.ReadWrite)], TileKernels.CanRun,
                    (device, stop) => copies!.TrsmRightLowerTransposed(device, Handle(kk, kk), Handle(ii, kk), stop), DeviceCopies: true));
            }

            for (int i = k + 1; i < tiles; i++)
            {
                int ii = i;
                graph.Add(new GraphTask(
                    $"syrk({i},{k})", Size(i) * Size(i) * b, [(Handle(i, k), DataAccess.Read), (Handle(i, i), DataAccess.ReadWrite)], TileKernels.CanRun,
                    (device, stop) => copies!.SyrkLower(device, Handle(ii, kk), Handle(ii, ii), stop), DeviceCopies: true));
                for (int j = k + 1; j < i; j++)
                {
                    int jj = j;
                    graph.Add(new GraphTask(
                        $"gemm({i},{j},{k})", 2 * Size(i) * Size(j) * b,
                        [(Handle(i, k), DataAccess.Read), (Handle(j, k), DataAccess.Read), (Handle(i, j), DataAccess.ReadWrite)], _ => true,
                        (device, stop) => copies!.Gemm(device, -T.One, Handle(ii, kk), Transpose.None, Handle(jj, kk), Transpose.Transposed, T.One, Handle(ii, jj), stop),
                        DeviceCopies: true));
                }
            }
        }

        return graph;
    }

    /// <summary>The graph of B ← A⁻¹·B given L (A = L·Lᵀ, n × n) and B (n × r): L·Y = B by tile rows forward, then
    /// Lᵀ·X = Y backward.</summary>
    public static TaskGraph Solve<T>(HostMatrix<T> l, HostMatrix<T> b, int tile)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = l.Rows, r = b.Cols, tiles = (n + tile - 1) / tile;
        HostMatrix<T> L(int i, int j) => l.Slice(i * tile, j * tile, Math.Min(tile, n - (i * tile)), Math.Min(tile, n - (j * tile)));
        HostMatrix<T> B(int i) => b.Slice(i * tile, 0, Math.Min(tile, n - (i * tile)), r);
        double Size(int i) => Math.Min(tile, n - (i * tile));

        // Handles: B's tile rows 0..tiles-1, then L's tiles (only read: no dependencies, but copies on the devices
        // that read them).
        int LHandle(int i, int j) => tiles + (i * tiles) + j;
        var copies = new TileCopies<T>(
            h => h < tiles ? B(h) : L((h - tiles) / tiles, (h - tiles) % tiles),
            h => h < tiles ? $"B({h}, 0)" : $"L({(h - tiles) / tiles}, {(h - tiles) % tiles})");
        var graph = new TaskGraph { Copies = copies };
        for (int i = 0; i < tiles; i++)
        {
            int ii = i;
            for (int j = 0; j < i; j++)
            {
                int jj = j;
                graph.Add(new GraphTask(
                    $"gemm-forward({i},{j})", 2 * Size(i) * Size(j) * r, [(LHandle(i, j), DataAccess.Read), (j, DataAccess.Read), (i, DataAccess.ReadWrite)], _ => true,
                    (device, stop) => copies.Gemm(device, -T.One, LHandle(ii, jj), Transpose.None, jj, Transpose.None, T.One, ii, stop), DeviceCopies: true));
            }

            graph.Add(new GraphTask(
                $"trsm-forward({i})", Size(i) * Size(i) * r, [(LHandle(i, i), DataAccess.Read), (i, DataAccess.ReadWrite)], TileKernels.CanRun,
                (device, stop) => copies.TrsmLeft(device, LHandle(ii, ii), ii, TriangularBlock.Shape.Lower, stop), DeviceCopies: true));
        }

        for (int i = tiles - 1; i >= 0; i--)
        {
            int ii = i;
            for (int j = i + 1; j < tiles; j++)
            {
                int jj = j;
                graph.Add(new GraphTask(
                    $"gemm-backward({i},{j})", 2 * Size(i) * Size(j) * r, [(LHandle(j, i), DataAccess.Read), (j, DataAccess.Read), (i, DataAccess.ReadWrite)], _ => true,
                    (device, stop) => copies.Gemm(device, -T.One, LHandle(jj, ii), Transpose.Transposed, jj, Transpose.None, T.One, ii, stop), DeviceCopies: true));
            }

            graph.Add(new GraphTask(
                $"trsm-backward({i})", Size(i) * Size(i) * r, [(LHandle(i, i), DataAccess.Read), (i, DataAccess.ReadWrite)], TileKernels.CanRun,
                (device, stop) => copies.TrsmLeft(device, LHandle(ii, ii), ii, TriangularBlock.Shape.LowerTransposed, stop), DeviceCopies: true));
        }

        return graph;
    }
}
