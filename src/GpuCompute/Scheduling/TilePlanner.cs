using GpuCompute.Gemm;

namespace GpuCompute.Scheduling;

/// <summary>Splits C into the tiles that devices compute, each over the full K dimension.</summary>
/// <param name="MinEdge">Smallest tile edge when splitting for balance.</param>
/// <param name="MaxEdge">Largest tile edge.</param>
/// <param name="SingleTileFlops">Products of at most this many flops run as one tile on one device.</param>
/// <param name="TilesPerDevice">Tiles wanted per device when there are several (edges shrink towards MinEdge until
/// there are that many), so that shares can follow device speeds closely.</param>
internal sealed record TilePlanner(int MinEdge, int MaxEdge, double SingleTileFlops, int TilesPerDevice = 4)
{
    /// <summary>
    /// The engine's planner. Edges from 256 (below it per-tile packing and transfers dominate) to 4096: every tile
    /// re-packs its panels of A and B, and on the CPU device whole products measured 10–40 % faster than the same
    /// product in 1024² or 2048² tiles (bench/RESULTS.md); several devices still get about four tiles each. Products up
    /// to 2·256³ flops are never split: splitting costs more than it saves.
    /// </summary>
    public static TilePlanner Default { get; } = new(256, 4096, 2.0 * 256 * 256 * 256);

    /// <summary>Tiles of an <paramref name="m"/>×<paramref name="n"/> C, in row-major order over the tile grid.</summary>
    public IReadOnlyList<GemmTile> Plan(int m, int n, int k, int deviceCount)
    {
        if (m == 0 || n == 0)
        {
            return [];
        }

        // One device gains nothing from splitting but progress and cancellation points (its own code blocks for the
        // caches, and out-of-core streaming bounds device memory): it keeps the product whole up to 2·MaxEdge³ flops.
        double flops = 2.0 * m * n * k;
        if (flops <= SingleTileFlops || (deviceCount == 1 && flops <= 2.0 * MaxEdge * MaxEdge * MaxEdge))
        {
            return [new GemmTile(0, 0, m, n)];
        }

        // Smaller tiles only serve balance between devices: one device keeps the largest (fewest re-packs).
        int edge = MaxEdge;
        while (deviceCount > 1 && edge / 2 >= MinEdge && Count(m, edge) * Count(n, edge) < TilesPerDevice * deviceCount)
        {
            edge /= 2;
        }

        var tiles = new List<GemmTile>(Count(m, edge) * Count(n, edge));
        for (int row = 0; row < m; row += edge)
        {
            for (int col = 0; col < n; col += edge)
            {
                tiles.Add(new GemmTile(row, col, Math.Min(edge, m - row), Math.Min(edge, n - col)));
            }
        }

        return tiles;
    }

    private static int Count(int size, int edge) => (size + edge - 1) / edge;
}
