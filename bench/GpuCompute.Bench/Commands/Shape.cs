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

    public static string Precision(string text)
    {
        string precision = text.ToLowerInvariant();
        return precision is "f32" or "f64" ? precision : throw new UsageException($"--precision must be f32 or f64; got '{text}'.");
    }
}
