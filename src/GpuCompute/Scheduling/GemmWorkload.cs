using GpuCompute.Gemm;

namespace GpuCompute.Scheduling;

/// <summary>
/// The tiles of one GEMM and what each costs: its flops, and the panels of A and B and the block of C it moves.
/// Tiles in the same tile row share an A panel; tiles in the same tile column share a B panel.
/// </summary>
internal sealed class GemmWorkload
{
    public GemmWorkload(IReadOnlyList<GemmTile> tiles, int k, int elementSize, bool readsC)
    {
        Tiles = tiles;
        K = k;
        ElementSize = elementSize;
        ReadsC = readsC;
    }

    public IReadOnlyList<GemmTile> Tiles { get; }

    public int K { get; }

    public int ElementSize { get; }

    /// <summary>True when β ≠ 0, so each tile's block of C must also travel to the device.</summary>
    public bool ReadsC { get; }

    public int Count => Tiles.Count;

    public double Flops(int tile) => Tiles[tile].Flops(K);

    public double TotalFlops => Tiles.Sum(t => t.Flops(K));

    /// <summary>The A panel a tile reads, identified by its first row.</summary>
    public int PanelA(int tile) => Tiles[tile].Row;

    /// <summary>The B panel a tile reads, identified by its first column.</summary>
    public int PanelB(int tile) => Tiles[tile].Col;

    public double BytesA(int tile) => (double)Tiles[tile].Rows * K * ElementSize;

    public double BytesB(int tile) => (double)K * Tiles[tile].Cols * ElementSize;

    /// <summary>Bytes of C moved for a tile: written back always, and read first when β ≠ 0.</summary>
    public double BytesC(int tile) => (double)Tiles[tile].Rows * Tiles[tile].Cols * ElementSize * (ReadsC ? 2 : 1);
}
