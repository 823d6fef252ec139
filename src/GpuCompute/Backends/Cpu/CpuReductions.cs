using System.Numerics;
using System.Runtime.CompilerServices;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace GpuCompute.Backends.Cpu;

/// <summary>
/// Reductions on a CPU device part, chunk by chunk (<see cref="CpuChunks.Elements"/> elements, on the device's threads),
/// each chunk in one pass by our SIMD cores (<see cref="CpuReductionCores"/>: AVX-512 lanes where accelerated, else
/// AVX2 lanes), or by <see cref="TensorPrimitives"/> per block of <see cref="Block"/> elements where neither is. The
/// chunks' results are combined pairwise in double.
/// </summary>
/// <remarks>
/// Accuracy of the sums: a block of <see cref="Block"/> elements is summed in the element type T, in 4 independent
/// vector accumulators, so each lane adds only Block / (4 · lanes) terms (16 for float with AVX-512, 32 for double);
/// the 4 accumulators are added in 2 steps and the block's lanes go to double (for float: widened, the two halves
/// added in double, which is exact unless their exponents lie 29 or more apart). Every block's lanes and the chunks'
/// results are then summed pairwise in double. The rounding error thus grows with the block, not with n: at most about
/// (Block / (4 · lanes) + 2)·ε_T·Σ|terms| from the blocks, plus (log₂ n)·ε_double·Σ|terms| from the combination.
/// Dot products and squares use fused multiply-adds. MaxAbs and the arg-min/arg-max are exact.
/// </remarks>
internal static class CpuReductions
{
    /// <summary>Elements per block: each block is summed in the element type, the blocks in double.</summary>
    public const int Block = 1024;

    private const int BlocksPerChunk = CpuChunks.Elements / Block;

    /// <summary>Which per-chunk code the reductions use.</summary>
    public enum Core
    {
        /// <summary>Our SIMD cores where Vector512 or Vector256 is accelerated, else <see cref="TensorPrimitives"/>.</summary>
        Best,

        /// <summary><see cref="TensorPrimitives"/> per block of <see cref="Block"/> elements (IndexOfMin/IndexOfMax per
        /// chunk): the portable fallback, and the baseline of the benchmarks.</summary>
        TensorPrimitives,
    }

    private static bool Simd => Vector512.IsHardwareAccelerated || Vector256.IsHardwareAccelerated;

    /// <summary>Reduces <paramref name="x"/> (with <paramref name="y"/> for a dot product) to one double.</summary>
    public static double Reduce<T>(ReductionKind kind, T[] x, T[]? y, T scale, int threads, Core core = Core.Best)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool simd = core == Core.Best && Simd;
        int chunks = CpuChunks.Count(x.Length);
        if (chunks == 1)
        {
            return ReduceChunk(kind, x, y, scale, simd);
        }

        var partials = new double[chunks];
        CpuChunks.For(x.Length, threads, c =>
        {
            int start = CpuChunks.Start(c), length = CpuChunks.Length(c, x.Length);
            partials[c] = ReduceChunk(kind, x.AsSpan(start, length), y is null ? default : y.AsSpan(start, length), scale, simd);
        });
        return Pairwise.Combine(kind, partials);
    }

    /// <summary>The first extreme element (the first NaN if any) of <paramref name="x"/> and its index.</summary>
    public static (T Value, long Index) Extreme<T>(T[] x, bool max, int threads, Core core = Core.Best)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool simd = core == Core.Best && Simd;
        int chunks = CpuChunks.Count(x.Length);
        var values = new T[chunks];
        var indices = new long[chunks];
        CpuChunks.For(x.Length, threads, c =>
        {
            int start = CpuChunks.Start(c);
            ReadOnlySpan<T> chunk = x.AsSpan(start, CpuChunks.Length(c, x.Length));
            int i = simd ? CpuReductionCores.Extreme(chunk, max)
                : max ? TensorPrimitives.IndexOfMax(chunk) : TensorPrimitives.IndexOfMin(chunk);
            values[c] = chunk[i];
            indices[c] = start + i;
        });

        (T Value, long Index) best = (T.Zero, -1);
        for (int c = 0; c < chunks; c++)
        {
            if (Extremes.Prefer(max, values[c], indices[c], best.Value, best.Index))
            {
                best = (values[c], indices[c]);
            }
        }

        return best;
    }

    private static double ReduceChunk<T>(ReductionKind kind, ReadOnlySpan<T> x, ReadOnlySpan<T> y, T scale, bool simd)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        simd ? CpuReductionCores.Reduce(kind, x, y, scale) : ReduceChunkBlocked(kind, x, y, scale);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double ReduceChunkBlocked<T>(ReductionKind kind, ReadOnlySpan<T> x, ReadOnlySpan<T> y, T scale)
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double ScaledSquares<T>(ReadOnlySpan<T> xs, T scale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> scaled = stackalloc T[Block];
        scaled = scaled[..xs.Length];
        TensorPrimitives.Multiply(xs, scale, scaled);
        return double.CreateTruncating(TensorPrimitives.SumOfSquares<T>(scaled));
    }
}
