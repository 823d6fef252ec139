namespace GpuCompute.Bench.Commands;

/// <summary>The shared validation of <c>--size</c> / <c>--m --n --k</c> and <c>--precision</c>.</summary>
internal static class Shape
{
    public static (int M, int N, int K) From(int? size, int? m, int? n, int? k, int defaultSize)
    {
        if (size is not null && (m ?? n ?? k) is not null)
        {
            throw new UsageException("Give either --size or --m/--n/--k, not both.");
        }

        if (size is null && (m is null || n is null || k is null) && (m ?? n ?? k) is not null)
        {
            throw new UsageException("--m, --n and --k go together: give all three.");
        }

        int mm = m ?? size ?? defaultSize, nn = n ?? size ?? defaultSize, kk = k ?? size ?? defaultSize;
        foreach ((string name, int value) in new[] { ("m", mm), ("n", nn), ("k", kk) })
        {
            if (value < 1)
            {
                throw new UsageException($"--{name} (or --size) must be at least 1; got {value}.");
            }
        }

        return (mm, nn, kk);
    }

    /// <summary>The most timed runs a command accepts: more would run for hours and measure nothing new.</summary>
    public const int MaxRepeat = 10_000;

    /// <summary>Checks that an m × n × k product's matrices fit in host arrays.</summary>
    public static void CheckHostable(int m, int n, int k)
    {
        if ((long)m * k > Array.MaxLength || (long)k * n > Array.MaxLength || (long)m * n > Array.MaxLength)
        {
            throw new UsageException($"A {m} x {n} x {k} product has a matrix of more than {Array.MaxLength} elements, more than a host array holds.");
        }
    }

    /// <summary>Checks a <c>--repeat</c> value: 1 to <see cref="MaxRepeat"/>.</summary>
    public static int Repeat(int repeat) =>
        repeat is >= 1 and <= MaxRepeat ? repeat : throw new UsageException($"--repeat must be between 1 and {MaxRepeat}; got {repeat}.");

    /// <summary>Opens <paramref name="file"/> for writing now, so that a path that cannot be written fails before any
    /// work rather than after it.</summary>
    public static FileStream OpenForWriting(FileInfo file, string option)
    {
        try
        {
            return file.Create();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new UsageException($"{option} cannot write '{file.FullName}': {e.Message}");
        }
    }

    public static string Precision(string text)
    {
        string precision = text.ToLowerInvariant();
        return precision is "f32" or "f64" ? precision : throw new UsageException($"--precision must be f32 or f64; got '{text}'.");
    }
}
