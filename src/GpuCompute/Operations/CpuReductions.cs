using System.Numerics;
using System.Numerics.Tensors;

namespace GpuCompute.Operations;

/// <summary>
/// Reductions on a CPU device part: each chunk of <see cref="CpuChunks.Elements"/> elements is reduced in blocks of
/// <see cref="Block"/> elements by <see cref="TensorPrimitives"/> (SIMD lanes in the element type), the block results
/// are combined pairwise in double, and so are the chunks' results.
/// </summary>
internal static class CpuReductions
{
    /// <summary>Elements per block: each block is one SIMD reduction in the element type.</summary>
    public const int Block = 1024;

    private const int BlocksPerChunk = CpuChunks.Elements / Block;

    /// <summary>Reduces <paramref name="x"/> (with <paramref name="y"/> for a dot product) to one double.</summary>
    public static double Reduce<T>(ReductionKind kind, T[] x, T[]? y, T scale, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int chunks = CpuChunks.Count(x.Length);
        if (chunks == 1)
        {
            return ReduceChunk(kind, x, y, scale);
        }

        var partials = new double[chunks];
        CpuChunks.For(x.Length, threads, c =>
        {
            int start = CpuChunks.Start(c), length = CpuChunks.Length(c, x.Length);
            partials[c] = ReduceChunk(kind, x.AsSpan(start, length), y is null ? default : y.AsSpan(start, length), scale);
        });
        return Pairwise.Combine(kind, partials);
    }

    /// <summary>The first extreme element (the first NaN if any) of <paramref name="x"/> and its index.</summary>
    public static (T Value, long Index) Extreme<T>(T[] x, bool max, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int chunks = CpuChunks.Count(x.Length);
        var values = new T[chunks];
        var indices = new long[chunks];
        CpuChunks.For(x.Length, threads, c =>
        {
            int start = CpuChunks.Start(c);
            ReadOnlySpan<T> chunk = x.AsSpan(start, CpuChunks.Length(c, x.Length));
            int i = max ? TensorPrimitives.IndexOfMax(chunk) : TensorPrimitives.IndexOfMin(chunk);
            values[c] = chunk[i];
            indices[c] = start + i;
        });

        (T Value, long Index) best = (T.Zero, -1);
        for (int c = 0; c < chunks; c++)
        {
            if (Prefer(max, values[c], indices[c], best.Value, best.Index))
            {
                best = (values[c], indices[c]);
            }
        }

        return best;
    }

    /// <summary>
    /// The host's copy of the kernels' rule (ReductionKernels.Prefer): a NaN beats any number; −0 is below +0; the
    /// lower index wins between equals and between NaNs; an index below zero marks "none".
    /// </summary>
    public static bool Prefer<T>(bool max, T value, long index, T current, long currentIndex)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (index < 0)
        {
            return false;
        }

        if (currentIndex < 0)
        {
            return true;
        }

        bool nan = T.IsNaN(value), currentNan = T.IsNaN(current);
        if (nan || currentNan)
        {
            return nan && (!currentNan || index < currentIndex);
        }

        int order = Compare(value, current);
        return max ? order > 0 || (order == 0 && index < currentIndex) : order < 0 || (order == 0 && index < currentIndex);
    }

    private static int Compare<T>(T a, T b)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (a < b)
        {
            return -1;
        }

        if (a > b)
        {
            return 1;
        }

        bool negativeA = T.IsNegative(a), negativeB = T.IsNegative(b);
        return negativeA == negativeB ? 0 : negativeA ? -1 : 1;
    }

    private static double ReduceChunk<T>(ReductionKind kind, ReadOnlySpan<T> x, ReadOnlySpan<T> y, T scale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<double> blocks = stackalloc double[BlocksPerChunk];
        int count = 0;
        for (int start = 0; start < x.Length; start += Block)
        {
            int length = Math.Min(Block, x.Length - start);
            ReadOnlySpan<T> xs = x.Slice(start, length);
            blocks[count++] = kind switch
            {
                ReductionKind.Sum => double.CreateTruncating(TensorPrimitives.Sum(xs)),
                ReductionKind.Dot => double.CreateTruncating(TensorPrimitives.Dot(xs, y.Slice(start, length))),
                ReductionKind.AbsSum => double.CreateTruncating(TensorPrimitives.SumOfMagnitudes(xs)),
                ReductionKind.SquareSum => scale == T.One
                    ? double.CreateTruncating(TensorPrimitives.SumOfSquares(xs))
                    : ScaledSquares(xs, scale),
                _ => double.CreateTruncating(T.Abs(TensorPrimitives.MaxMagnitude(xs))),
            };
        }

        return Pairwise.Combine(kind, blocks[..count]);
    }

    private static double ScaledSquares<T>(ReadOnlySpan<T> xs, T scale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> scaled = stackalloc T[Block];
        scaled = scaled[..xs.Length];
        TensorPrimitives.Multiply(xs, scale, scaled);
        return double.CreateTruncating(TensorPrimitives.SumOfSquares<T>(scaled));
    }
}
