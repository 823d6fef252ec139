using ILGPU;

namespace GpuCompute.Kernels.LinearAlgebra;

/// <summary>
/// Block transpose through shared memory: each group loads a Tile × Tile tile of the source with consecutive threads
/// on consecutive columns (coalesced reads), then writes it transposed with consecutive threads on consecutive
/// destination columns (coalesced writes). The shared tile has one padding column, so the column-wise reads of the
/// second phase hit different banks.
/// </summary>
/// <remarks>Launch explicitly grouped, 1-D: <see cref="GroupCount"/> groups of (Tile, rowsPerPass) threads, where
/// Tile × rowsPerPass fits the device's group limit; each thread handles Tile / rowsPerPass rows of the tile. Any
/// sizes work: every access is bounds-checked against the block.</remarks>
internal static class TransposeKernel
{
    /// <summary>The largest tile side the shared buffer holds.</summary>
    public const int MaxTile = 32;

    /// <summary>The number of groups (tiles) that cover a <paramref name="rows"/> × <paramref name="columns"/> block.</summary>
    /// <param name="rows">Rows of the source block.</param>
    /// <param name="columns">Columns of the source block.</param>
    /// <param name="tile">The tile side.</param>
    /// <returns>Tiles down × tiles across.</returns>
    public static long GroupCount(long rows, long columns, int tile) =>
        ((rows + tile - 1) / tile) * ((columns + tile - 1) / tile);

    /// <summary>The kernel entry point (explicitly grouped): group g transposes tile g, row-major over the tile grid,
    /// offset by <paramref name="firstTile"/>.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="source">The source matrix.</param>
    /// <param name="destination">The destination matrix.</param>
    /// <param name="args">The block, its offsets and strides, and the tile side.</param>
    /// <param name="firstTile">The tile that group 0 transposes (for launches split into several).</param>
    public static void Transpose<T>(ArrayView<T> source, ArrayView<T> destination, TransposeArguments args, long firstTile)
        where T : unmanaged
    {
        ArrayView<T> tile = SharedMemory.Allocate<T>(MaxTile * (MaxTile + 1));
        int side = args.Tile;
        int stride = side + 1;
        long tilesAcross = (args.Columns + side - 1) / side;
        long tileIndex = firstTile + Grid.IdxX;
        long row0 = tileIndex / tilesAcross * side;
        long col0 = tileIndex % tilesAcross * side;
        int tx = Group.IdxX;
        int ty = Group.IdxY;
        int passRows = Group.DimY;

        for (int r = ty; r < side; r += passRows)
        {
            long i = row0 + r, j = col0 + tx;
            if (i < args.Rows && j < args.Columns)
            {
                tile[(r * stride) + tx] = source[args.SourceOffset + (i * args.SourceStride) + j];
            }
        }

        Group.Barrier();

        // Destination row = source column col0 + r, destination column = source row row0 + tx.
        for (int r = ty; r < side; r += passRows)
        {
            long j = col0 + r, i = row0 + tx;
            if (i < args.Rows && j < args.Columns)
            {
                destination[args.DestinationOffset + (j * args.DestinationStride) + i] = tile[(tx * stride) + r];
            }
        }
    }
}
