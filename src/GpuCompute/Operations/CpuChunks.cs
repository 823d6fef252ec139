namespace GpuCompute.Operations;

/// <summary>Splits one CPU device part into chunks of <see cref="Elements"/> elements run on the device's threads.</summary>
internal static class CpuChunks
{
    /// <summary>Elements per chunk: large enough that scheduling costs nothing next to streaming it, small enough to
    /// balance two or more threads on a megabyte-sized vector.</summary>
    public const int Elements = 1 << 15;

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
