namespace GpuCompute.Backends.Ilgpu;

/// <summary>ILGPU's launch dimensions are 32-bit: work longer than that goes in consecutive launches, split here once.</summary>
internal static class IlgpuLaunch
{
    /// <summary>The most elements (or groups) one launch covers.</summary>
    public const long MaxPerLaunch = 1L << 30;

    /// <summary>Calls <paramref name="launch"/>(first, count) for consecutive pieces of [0, <paramref name="total"/>),
    /// each at most <paramref name="piece"/> long (rounded down to a multiple of <paramref name="multiple"/>).</summary>
    public static void InPieces(long total, Action<long, int> launch, long piece = MaxPerLaunch, long multiple = 1)
    {
        long step = Math.Max(multiple, piece / multiple * multiple);
        for (long done = 0; done < total; done += step)
        {
            launch(done, (int)Math.Min(step, total - done));
        }
    }
}
