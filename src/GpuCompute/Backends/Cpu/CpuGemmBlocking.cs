namespace GpuCompute.Backends.Cpu;

/// <summary>
/// The block sizes of one precision on one kernel path: the micro-tile MR × NR (fixed by the micro-kernel) and the cache
/// blocks KC (depth of a packed panel), MC (rows of packed A) and NC (columns of packed B).
/// </summary>
/// <param name="Mr">Micro-tile rows: A elements broadcast per step.</param>
/// <param name="Nr">Micro-tile columns: a whole number of vectors of B per step.</param>
/// <param name="Kc">Depth of the packed panels (a multiple of nothing in particular; K edges are handled exactly).</param>
/// <param name="Mc">Rows of the packed A block, a multiple of <paramref name="Mr"/>.</param>
/// <param name="Nc">Columns of the packed B panel, a multiple of <paramref name="Nr"/>.</param>
internal readonly record struct CpuGemmBlocking(int Mr, int Nr, int Kc, int Mc, int Nc)
{
    /// <summary>A blocking with MC and NC rounded to whole micro-tiles and every size at least one tile.</summary>
    public static CpuGemmBlocking Create(int mr, int nr, int kc, int mc, int nc) => new(
        mr,
        nr,
        Math.Max(1, kc),
        Math.Max(mr, mc / mr * mr),
        Math.Max(nr, nc / nr * nr));
}
