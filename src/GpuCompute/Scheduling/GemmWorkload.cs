using GpuCompute.Gemm;

namespace GpuCompute.Scheduling;

/// <summary>
/// The tiles of one GEMM and what each costs: its flops, and the panels of A and B and the block of C it moves.
/// Tiles over the same rows of C share an A panel; tiles over the same columns share a B panel (tiles may differ in
/// size, so a panel is its range of rows or columns, not only where it starts).
/// </summary>
internal sealed class GemmWorkload
{
    private readonly int[] panelA, panelB;

    public GemmWorkload(IReadOnlyList<GemmTile> tiles, int k, int elementSize, bool readsC)
    {
        Tiles = tiles;
        panelA = Number(tiles.Select(t => (t.Row, t.Rows)));
        panelB = Number(tiles.Select(t => (t.Col, t.Cols)));
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

    /// <summary>The A panel a tile reads: a number for its range of rows.</summary>
    public int PanelA(int tile) => panelA[tile];

    /// <summary>The B panel a tile reads: a number for its range of columns.</summary>
    public int PanelB(int tile) => panelB[tile];

    public double BytesA(int tile) => (double)Tiles[tile].Rows * K * ElementSize;

    public double BytesB(int tile) => (double)K * Tiles[tile].Cols * ElementSize;

    /// <summary>Bytes of C moved for a tile: written back always, and read first when β ≠ 0.</summary>
    public double BytesC(int tile) => (double)Tiles[tile].Rows * Tiles[tile].Cols * ElementSize * (ReadsC ? 2 : 1);

    /// <summary>Numbers the distinct ranges in order of first appearance.</summary>
    private static int[] Number(IEnumerable<(int Start, int Length)> ranges)
    {
        var numbers = new Dictionary<(int, int), int>();
        return ranges.Select(r => numbers.TryGetValue(r, out int known) ? known : numbers[r] = numbers.Count).ToArray();
    }
}
