using System.Numerics;
using GpuCompute.Matrices;
using GpuCompute.Tasks;

namespace GpuCompute.Factorizations;

/// <summary>
/// Tile LU with partial pivoting (A = P·L·U) and its solve as task graphs, right-looking: step k factors the tile
/// column below the diagonal as one tall panel (pivoting over all its rows), applies those interchanges to every other
/// tile column, solves for U's tile row, and updates the trailing tiles by GEMM. Panels and interchanges run on the
/// CPU device; the updates (most of the flops) on any device, and the triangular solves (U's tile rows, and the
/// solve's) on any device with the tile kernels.
/// </summary>
internal static class TiledLu
{
    /// <summary>The graph of the factorization of <paramref name="a"/> (n × n) in tiles of <paramref name="tile"/>;
    /// <paramref name="pivots"/>[i] receives the row interchanged with row i (from 0, as LAPACK's ipiv − 1).</summary>
    public static TaskGraph Factor<T>(HostMatrix<T> a, int[] pivots, int tile)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = a.Rows, tiles = (n + tile - 1) / tile;
        HostMatrix<T> Tile(int i, int j) => a.Slice(i * tile, j * tile, Size(i), Size(j));
        int Handle(int i, int j) => (i * tiles) + j;
        int Size(int i) => Math.Min(tile, n - (i * tile));
        int[] Handles(int k, int j) => [.. Enumerable.Range(k, tiles - k).Select(i => Handle(i, j))]; // tile rows k.. of column j
        (int, DataAccess)[] Column(int k, int j, DataAccess access) => [.. Handles(k, j).Select(h => (h, access))];

        var copies = new TileCopies<T>(h => Tile(h / tiles, h % tiles), h => $"A({h / tiles}, {h % tiles})");
        var graph = new TaskGraph { Copies = copies };
        for (int k = 0; k < tiles; k++)
        {
            int kk = k, first = k * tile;
            double rows = n - first, b = Size(k);
            graph.Add(new GraphTask(
                $"panel({k})", (rows * b * b) - (b * b * b / 3), Column(k, k, DataAccess.ReadWrite), TileKernels.CanRun,
                (device, stop) =>
                {
                    Span<int> mine = pivots.AsSpan(first, Size(kk));
                    int info = copies.LuPanel(device, Handles(kk, kk), mine, stop);
                    for (int j = 0; j < mine.Length; j++)
                    {
                        mine[j] += first; // rows of the panel → rows of A
                    }

                    if (info >= 0)
                    {
                        throw new MatrixSingularException(first + info, n, "a");
                    }
                },
                DeviceCopies: true));
            for (int j = 0; j < tiles; j++)
            {
                int jj = j;
                if (j != k)
                {
                    // The interchanges reach every other tile column: those of L already computed (LAPACK applies
                    // them to whole rows) and those to the right, whose tile row k is then U's, a triangular solve.
                    graph.Add(new GraphTask(
                        $"swap({k},{j})", 0, [(Handle(k, k), DataAccess.Read), .. Column(k, j, DataAccess.ReadWrite)], TileKernels.CanRun,
                        (device, stop) => copies.SwapRows(device, Handles(kk, jj), pivots.AsSpan(first, Size(kk)), 0, first, stop),
                        DeviceCopies: true));
                }

                if (j > k)
                {
                    graph.Add(new GraphTask(
                        $"trsm({k},{j})", b * b * Size(j), [(Handle(k, k), DataAccess.Read), (Handle(k, j), DataAccess.ReadWrite)], TileKernels.CanRun,
                        (device, stop) => copies.TrsmLeft(device, Handle(kk, kk), Handle(kk, jj), TriangularBlock.Shape.UnitLower, stop),
                        DeviceCopies: true));
                }
            }

            for (int i = k + 1; i < tiles; i++)
            {
                for (int j = k + 1; j < tiles; j++)
                {
                    int ii = i, jj = j;
                    graph.Add(new GraphTask(
                        $"gemm({i},{j},{k})", 2.0 * Size(i) * Size(j) * b,
                        [(Handle(i, k), DataAccess.Read), (Handle(k, j), DataAccess.Read), (Handle(i, j), DataAccess.ReadWrite)], _ => true,
                        (device, stop) => copies.Gemm(device, -T.One, Handle(ii, kk), Transpose.None, Handle(kk, jj), Transpose.None, T.One, Handle(ii, jj), stop),
                        DeviceCopies: true));
                }
            }
        }

        return graph;
    }

    /// <summary>The graph of B ← A⁻¹·B from the factors and pivots: B's rows interchanged, then L·Y = B (unit lower)
    /// forward and U·X = Y backward, by tile rows.</summary>
    public static TaskGraph Solve<T>(HostMatrix<T> lu, int[] pivots, HostMatrix<T> b, int tile)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = lu.Rows, r = b.Cols, tiles = (n + tile - 1) / tile;
        HostMatrix<T> F(int i, int j) => lu.Slice(i * tile, j * tile, Size(i), Size(j));
        HostMatrix<T> B(int i) => b.Slice(i * tile, 0, Size(i), r);
        int Size(int i) => Math.Min(tile, n - (i * tile));
        (int, DataAccess)[] All = [.. Enumerable.Range(0, tiles).Select(i => (i, DataAccess.ReadWrite))];

        // Handles: B's tile rows, then the factor's tiles (only read).
        int FHandle(int i, int j) => tiles + (i * tiles) + j;
        var copies = new TileCopies<T>(
            h => h < tiles ? B(h) : F((h - tiles) / tiles, (h - tiles) % tiles),
            h => h < tiles ? $"B({h}, 0)" : $"LU({(h - tiles) / tiles}, {(h - tiles) % tiles})");
        var graph = new TaskGraph { Copies = copies };
        graph.Add(new GraphTask(
            "swap", 0, All, TileKernels.CanRun, (device, stop) => copies.SwapRows(device, [.. Enumerable.Range(0, tiles)], pivots, 0, 0, stop), DeviceCopies: true));
        for (int i = 0; i < tiles; i++)
        {
            int ii = i;
            for (int j = 0; j < i; j++)
            {
                int jj = j;
                graph.Add(new GraphTask(
                    $"gemm-forward({i},{j})", 2.0 * Size(i) * Size(j) * r, [(FHandle(i, j), DataAccess.Read), (j, DataAccess.Read), (i, DataAccess.ReadWrite)], _ => true,
                    (device, stop) => copies.Gemm(device, -T.One, FHandle(ii, jj), Transpose.None, jj, Transpose.None, T.One, ii, stop), DeviceCopies: true));
            }

            graph.Add(new GraphTask(
                $"trsm-forward({i})", (double)Size(i) * Size(i) * r, [(FHandle(i, i), DataAccess.Read), (i, DataAccess.ReadWrite)], TileKernels.CanRun,
                (device, stop) => copies.TrsmLeft(device, FHandle(ii, ii), ii, TriangularBlock.Shape.UnitLower, stop), DeviceCopies: true));
        }

        for (int i = tiles - 1; i >= 0; i--)
        {
            int ii = i;
            for (int j = i + 1; j < tiles; j++)
            {
                int jj = j;
                graph.Add(new GraphTask(
                    $"gemm-backward({i},{j})", 2.0 * Size(i) * Size(j) * r, [(FHandle(i, j), DataAccess.Read), (j, DataAccess.Read), (i, DataAccess.ReadWrite)], _ => true,
                    (device, stop) => copies.Gemm(device, -T.One, FHandle(ii, jj), Transpose.None, jj, Transpose.None, T.One, ii, stop), DeviceCopies: true));
            }

            graph.Add(new GraphTask(
                $"trsm-backward({i})", (double)Size(i) * Size(i) * r, [(FHandle(i, i), DataAccess.Read), (i, DataAccess.ReadWrite)], TileKernels.CanRun,
                (device, stop) => copies.TrsmLeft(device, FHandle(ii, ii), ii, TriangularBlock.Shape.Upper, stop), DeviceCopies: true));
        }

        return graph;
    }
}
