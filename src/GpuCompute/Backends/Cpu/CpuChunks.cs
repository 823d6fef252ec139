namespace GpuCompute.Backends.Cpu;

/// <summary>Splits one CPU device part into chunks of <see cref="Elements"/> elements run on the device's threads.</summary>
internal static class CpuChunks
{
    /// <summary>Elements per chunk (1 MiB of floats): with 2¹⁵, scheduling the chunks cost about a third of
    /// <c>add</c>'s bandwidth at 2²⁷ elements (measured 1.0 → 1.4 of the triad with 2¹⁸). Parts under one chunk run on
    /// one thread, where a second would save microseconds at most.</summary>
    public const int Elements = 1 << 18;

    public static int Count(int length) => (length + Elements - 1) / Elements;

    public static int Start(int chunk) => chunk * Elements;

    public static int Length(int chunk, int length) => Math.Min(Elements, length - (chunk * Elements));

    /// <summary>Runs <paramref name="body"/> for every chunk of a part of <paramref name="length"/> elements, on up to
    /// <paramref name="threads"/> threads (inline when there is one chunk).</summary>
    public static void For(int length, int threads, Action<int> body)
    {
        int chunks = Count(length);
        if (chunks <= 1 || threads <= 1)
        {
            for (int c = 0; c < chunks; c++)
            {
                body(c);
            }
        }
        else
        {
            Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, body);
        }
    }
}
