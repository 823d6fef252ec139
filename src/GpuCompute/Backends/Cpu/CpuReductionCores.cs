using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace GpuCompute.Backends.Cpu;

/// <summary>
/// One chunk's reduction in one pass with our own SIMD loops: <see cref="Vector512{T}"/> lanes where AVX-512 is
/// accelerated, else <see cref="Vector256{T}"/>, with 4 independent vector accumulators (to hide the add/FMA and
/// compare latencies) and a scalar tail. The caller checks that one of the two widths is accelerated.
/// </summary>
/// <remarks>
/// Sums (Sum, Dot, AbsSum, SquareSum with its scale): every block of <see cref="CpuReductions.Block"/> elements is
/// summed in T in the 4 accumulators (Block / (4 · lanes) terms per lane), the accumulators are added in two steps,
/// and the block's lanes are written as doubles (float lanes widened, halves added in double); all those doubles, and
/// the tail summed in double, are summed pairwise in double. So the error is bounded by about
/// (Block / (4 · lanes) + 2)·ε_T·Σ|terms| + ⌈log₂(lanes · blocks)⌉·ε_double·Σ|terms|, independent of n.
/// A chunk is read as <see cref="Segments"/> concurrent streams (its first full blocks split in equal segments, block b
/// of every segment summed at a time, each in its own accumulators); that changes which blocks are summed together in
/// time, not the bound above.
/// MaxAbs: exact maxima (its segments read concurrently too), NaN tracked per vector so that any NaN gives NaN.
/// Extreme: the chunk's first elements as <see cref="Segments"/> concurrent streams, one accumulator each; per lane the
/// best value and the iteration it was seen (strict comparison, so each lane keeps its first best), NaNs tracked per vector (any NaN: the first NaN is searched); lanes are reduced to the best value at the
/// lowest index; a zero result is then settled by a search for the first −0 (min) or +0 (max), since IEEE comparisons
/// do not order −0 below +0.
/// </remarks>
internal static class CpuReductionCores
{
    private const int Accumulators = 4;

    /// <summary>Concurrent read streams per chunk (Sum-type cores and MaxAbs): one stream per thread left the memory
    /// system under-used (a 1 MiB chunk read as 4 interleaved quarters: about 0.9 of the triad, as one stream 0.75).</summary>
    private const int Segments = 4;

    /// <summary>Reduces one chunk (at most <see cref="CpuChunks.Elements"/> elements) to a double.</summary>
    public static double Reduce<T>(ReductionKind kind, ReadOnlySpan<T> x, ReadOnlySpan<T> y, T scale)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Vector512.IsHardwareAccelerated
            ? Reduce<T, Vector512<T>, Lanes512<T>>(kind, x, y, scale)
            : Reduce<T, Vector256<T>, Lanes256<T>>(kind, x, y, scale);

    /// <summary>The index of the first minimum (or maximum) of <paramref name="x"/>, or of its first NaN; −0 is below
    /// +0. <paramref name="x"/> must not be empty.</summary>
    public static int Extreme<T>(ReadOnlySpan<T> x, bool max)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Vector512.IsHardwareAccelerated
            ? (max ? Extreme<T, Vector512<T>, Lanes512<T>, Greater>(x) : Extreme<T, Vector512<T>, Lanes512<T>, Less>(x))
            : (max ? Extreme<T, Vector256<T>, Lanes256<T>, Greater>(x) : Extreme<T, Vector256<T>, Lanes256<T>, Less>(x));

    private static double Reduce<T, TV, TL>(ReductionKind kind, ReadOnlySpan<T> x, ReadOnlySpan<T> y, T scale)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TL : ILanes<T, TV> =>
        kind switch
        {
            ReductionKind.Sum => Sum<T, TV, TL, SumTerm>(x, y, scale),
            ReductionKind.Dot => Sum<T, TV, TL, DotTerm>(x, y, scale),
            ReductionKind.AbsSum => Sum<T, TV, TL, AbsTerm>(x, y, scale),
            ReductionKind.SquareSum => Sum<T, TV, TL, SquareTerm>(x, y, scale),
            _ => MaxAbs<T, TV, TL>(x),
        };

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Sum<T, TV, TL, TTerm>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, T scale)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TL : ILanes<T, TV>
        where TTerm : ITerm
    {
        int n = x.Length, lanes = TL.Count, step = Accumulators * lanes;
        // Every full block, one partial block, and the scalar tail.
        Span<double> partials = stackalloc double[((CpuChunks.Elements / CpuReductions.Block) + 1) * 8 + 1];
        int count = 0;
        ref T xs = ref MemoryMarshal.GetReference(x);
        ref T ys = ref TTerm.UsesY ? ref MemoryMarshal.GetReference(y) : ref xs;
        TV s = TL.Create(scale);

        // The chunk's first Segments · perSegment full blocks as Segments concurrent streams: block b of every segment
        // at a time, each block in its own 4 accumulators.
        int perSegment = n / (Segments * CpuReductions.Block);
        nuint segment = (nuint)(perSegment * CpuReductions.Block);
        for (nuint i0 = 0; i0 < segment; i0 += (nuint)CpuReductions.Block)
        {
            TV a0 = TL.Zero, a1 = TL.Zero, a2 = TL.Zero, a3 = TL.Zero;
            TV b0 = TL.Zero, b1 = TL.Zero, b2 = TL.Zero, b3 = TL.Zero;
            TV c0 = TL.Zero, c1 = TL.Zero, c2 = TL.Zero, c3 = TL.Zero;
            TV d0 = TL.Zero, d1 = TL.Zero, d2 = TL.Zero, d3 = TL.Zero;
            for (nuint j = i0, end = i0 + (nuint)CpuReductions.Block; j < end; j += (nuint)step)
            {
                nuint k = j + segment, l = k + segment, m = l + segment;
                a0 = Step<T, TV, TL, TTerm>(a0, ref xs, ref ys, j, s);
                b0 = Step<T, TV, TL, TTerm>(b0, ref xs, ref ys, k, s);
                c0 = Step<T, TV, TL, TTerm>(c0, ref xs, ref ys, l, s);
                d0 = Step<T, TV, TL, TTerm>(d0, ref xs, ref ys, m, s);
                a1 = Step<T, TV, TL, TTerm>(a1, ref xs, ref ys, j + (nuint)lanes, s);
                b1 = Step<T, TV, TL, TTerm>(b1, ref xs, ref ys, k + (nuint)lanes, s);
                c1 = Step<T, TV, TL, TTerm>(c1, ref xs, ref ys, l + (nuint)lanes, s);
                d1 = Step<T, TV, TL, TTerm>(d1, ref xs, ref ys, m + (nuint)lanes, s);
                a2 = Step<T, TV, TL, TTerm>(a2, ref xs, ref ys, j + (nuint)(2 * lanes), s);
                b2 = Step<T, TV, TL, TTerm>(b2, ref xs, ref ys, k + (nuint)(2 * lanes), s);
                c2 = Step<T, TV, TL, TTerm>(c2, ref xs, ref ys, l + (nuint)(2 * lanes), s);
                d2 = Step<T, TV, TL, TTerm>(d2, ref xs, ref ys, m + (nuint)(2 * lanes), s);
                a3 = Step<T, TV, TL, TTerm>(a3, ref xs, ref ys, j + (nuint)(3 * lanes), s);
                b3 = Step<T, TV, TL, TTerm>(b3, ref xs, ref ys, k + (nuint)(3 * lanes), s);
                c3 = Step<T, TV, TL, TTerm>(c3, ref xs, ref ys, l + (nuint)(3 * lanes), s);
                d3 = Step<T, TV, TL, TTerm>(d3, ref xs, ref ys, m + (nuint)(3 * lanes), s);
            }

            TL.StoreWidened(TL.Add(TL.Add(a0, a1), TL.Add(a2, a3)), ref partials[count]);
            count += TL.WidenedCount;
            TL.StoreWidened(TL.Add(TL.Add(b0, b1), TL.Add(b2, b3)), ref partials[count]);
            count += TL.WidenedCount;
            TL.StoreWidened(TL.Add(TL.Add(c0, c1), TL.Add(c2, c3)), ref partials[count]);
            count += TL.WidenedCount;
            TL.StoreWidened(TL.Add(TL.Add(d0, d1), TL.Add(d2, d3)), ref partials[count]);
            count += TL.WidenedCount;
        }

        // The remaining (fewer than Segments) full blocks one at a time, then a partial block and the scalar tail.
        nuint i = Segments * segment;
        for (; (int)i + CpuReductions.Block <= n; i += (nuint)CpuReductions.Block)
        {
            TV a0 = TL.Zero, a1 = TL.Zero, a2 = TL.Zero, a3 = TL.Zero;
            for (nuint j = i, end = i + (nuint)CpuReductions.Block; j < end; j += (nuint)step)
            {
                a0 = Step<T, TV, TL, TTerm>(a0, ref xs, ref ys, j, s);
                a1 = Step<T, TV, TL, TTerm>(a1, ref xs, ref ys, j + (nuint)lanes, s);
                a2 = Step<T, TV, TL, TTerm>(a2, ref xs, ref ys, j + (nuint)(2 * lanes), s);
                a3 = Step<T, TV, TL, TTerm>(a3, ref xs, ref ys, j + (nuint)(3 * lanes), s);
            }

            TL.StoreWidened(TL.Add(TL.Add(a0, a1), TL.Add(a2, a3)), ref partials[count]);
            count += TL.WidenedCount;
        }

        if ((int)i + lanes <= n)
        {
            TV a0 = TL.Zero, a1 = TL.Zero, a2 = TL.Zero, a3 = TL.Zero;
            for (; (int)i + step <= n; i += (nuint)step)
            {
                a0 = Step<T, TV, TL, TTerm>(a0, ref xs, ref ys, i, s);
                a1 = Step<T, TV, TL, TTerm>(a1, ref xs, ref ys, i + (nuint)lanes, s);
                a2 = Step<T, TV, TL, TTerm>(a2, ref xs, ref ys, i + (nuint)(2 * lanes), s);
                a3 = Step<T, TV, TL, TTerm>(a3, ref xs, ref ys, i + (nuint)(3 * lanes), s);
            }

            for (; (int)i + lanes <= n; i += (nuint)lanes)
            {
                a0 = Step<T, TV, TL, TTerm>(a0, ref xs, ref ys, i, s);
            }

            TL.StoreWidened(TL.Add(TL.Add(a0, a1), TL.Add(a2, a3)), ref partials[count]);
            count += TL.WidenedCount;
        }

        double tail = 0, scaleD = double.CreateTruncating(scale);
        for (; (int)i < n; i++)
        {
            tail += TTerm.Scalar(double.CreateTruncating(x[(int)i]), TTerm.UsesY ? double.CreateTruncating(y[(int)i]) : 0, scaleD);
        }

        partials[count++] = tail;
        return Pairwise.Sum(partials[..count]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Step<T, TV, TL, TTerm>(TV sum, ref T xs, ref T ys, nuint offset, TV scale)
        where T : unmanaged
        where TV : struct
        where TL : ILanes<T, TV>
        where TTerm : ITerm =>
        TTerm.Accumulate<T, TV, TL>(sum, TL.Load(ref xs, offset), TTerm.UsesY ? TL.Load(ref ys, offset) : TL.Zero, scale);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double MaxAbs<T, TV, TL>(ReadOnlySpan<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TL : ILanes<T, TV>
    {
        int n = x.Length, lanes = TL.Count, step = Accumulators * lanes;
        ref T xs = ref MemoryMarshal.GetReference(x);
        TV a0 = TL.Zero, a1 = TL.Zero, a2 = TL.Zero, a3 = TL.Zero, nan = TL.Zero;

        // The first Segments · segment elements as Segments concurrent streams, one accumulator each.
        nuint segment = (nuint)(n / (Segments * lanes) * lanes);
        for (nuint j = 0; j < segment; j += (nuint)lanes)
        {
            TV v0 = TL.Load(ref xs, j), v1 = TL.Load(ref xs, j + segment);
            TV v2 = TL.Load(ref xs, j + (2 * segment)), v3 = TL.Load(ref xs, j + (3 * segment));
            a0 = TL.MaxNative(a0, TL.Abs(v0));
            a1 = TL.MaxNative(a1, TL.Abs(v1));
            a2 = TL.MaxNative(a2, TL.Abs(v2));
            a3 = TL.MaxNative(a3, TL.Abs(v3));
            nan = TL.Or(nan, TL.Or(TL.Or(TL.IsNaN(v0), TL.IsNaN(v1)), TL.Or(TL.IsNaN(v2), TL.IsNaN(v3))));
        }

        nuint i = Segments * segment;
        for (; (int)i + step <= n; i += (nuint)step)
        {
            TV v0 = TL.Load(ref xs, i), v1 = TL.Load(ref xs, i + (nuint)lanes);
            TV v2 = TL.Load(ref xs, i + (nuint)(2 * lanes)), v3 = TL.Load(ref xs, i + (nuint)(3 * lanes));
            a0 = TL.MaxNative(a0, TL.Abs(v0));
            a1 = TL.MaxNative(a1, TL.Abs(v1));
            a2 = TL.MaxNative(a2, TL.Abs(v2));
            a3 = TL.MaxNative(a3, TL.Abs(v3));
            nan = TL.Or(nan, TL.Or(TL.Or(TL.IsNaN(v0), TL.IsNaN(v1)), TL.Or(TL.IsNaN(v2), TL.IsNaN(v3))));
        }

        for (; (int)i + lanes <= n; i += (nuint)lanes)
        {
            TV v = TL.Load(ref xs, i);
            a0 = TL.MaxNative(a0, TL.Abs(v));
            nan = TL.Or(nan, TL.IsNaN(v));
        }

        if (TL.Any(nan))
        {
            return double.NaN;
        }

        Span<T> values = stackalloc T[TL.Count];
        TL.Store(TL.MaxNative(TL.MaxNative(a0, a1), TL.MaxNative(a2, a3)), ref MemoryMarshal.GetReference(values));
        double max = 0;
        foreach (T v in values)
        {
            max = Math.Max(max, double.CreateTruncating(v));
        }

        for (; (int)i < n; i++)
        {
            max = Pairwise.MaxNaN(max, double.CreateTruncating(T.Abs(x[(int)i])));
        }

        return max;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Extreme<T, TV, TL, TOrder>(ReadOnlySpan<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TL : ILanes<T, TV>
        where TOrder : IOrder
    {
        int n = x.Length, lanes = TL.Count, step = Segments * lanes;
        int best = 0, body = 0;
        if (n >= step)
        {
            // Segments concurrent streams of `segment` elements (a multiple of lanes), one accumulator each.
            ref T xs = ref MemoryMarshal.GetReference(x);
            nuint segment = (nuint)(n / step * lanes);
            TV b0 = TL.Load(ref xs, 0), b1 = TL.Load(ref xs, segment);
            TV b2 = TL.Load(ref xs, 2 * segment), b3 = TL.Load(ref xs, 3 * segment);
            TV nan = TL.Or(TL.Or(TL.IsNaN(b0), TL.IsNaN(b1)), TL.Or(TL.IsNaN(b2), TL.IsNaN(b3)));
            TV i0 = TL.Zero, i1 = TL.Zero, i2 = TL.Zero, i3 = TL.Zero;
            TV iteration = TL.Zero, one = TL.Create(T.One);
            for (nuint j = (nuint)lanes; j < segment; j += (nuint)lanes)
            {
                // The iteration count as T: exact, since a chunk has far fewer than 2^24 iterations.
                iteration = TL.Add(iteration, one);
                TV v0 = TL.Load(ref xs, j), v1 = TL.Load(ref xs, j + segment);
                TV v2 = TL.Load(ref xs, j + (2 * segment)), v3 = TL.Load(ref xs, j + (3 * segment));
                TV m0 = TOrder.Better<T, TV, TL>(v0, b0), m1 = TOrder.Better<T, TV, TL>(v1, b1);
                TV m2 = TOrder.Better<T, TV, TL>(v2, b2), m3 = TOrder.Better<T, TV, TL>(v3, b3);
                b0 = TL.Select(m0, v0, b0);
                b1 = TL.Select(m1, v1, b1);
                b2 = TL.Select(m2, v2, b2);
                b3 = TL.Select(m3, v3, b3);
                i0 = TL.Select(m0, iteration, i0);
                i1 = TL.Select(m1, iteration, i1);
                i2 = TL.Select(m2, iteration, i2);
                i3 = TL.Select(m3, iteration, i3);
                nan = TL.Or(nan, TL.Or(TL.Or(TL.IsNaN(v0), TL.IsNaN(v1)), TL.Or(TL.IsNaN(v2), TL.IsNaN(v3))));
            }

            body = (int)(Segments * segment);
            if (TL.Any(nan))
            {
                return FirstNaN(x[..body]);
            }

            // Candidates: lane l of segment k, last improved at iteration t, holds element k·segment + t·lanes + l.
            Span<T> values = stackalloc T[step], iterations = stackalloc T[step];
            ref T v = ref MemoryMarshal.GetReference(values);
            ref T t = ref MemoryMarshal.GetReference(iterations);
            TL.Store(b0, ref v);
            TL.Store(b1, ref Unsafe.Add(ref v, lanes));
            TL.Store(b2, ref Unsafe.Add(ref v, 2 * lanes));
            TL.Store(b3, ref Unsafe.Add(ref v, 3 * lanes));
            TL.Store(i0, ref t);
            TL.Store(i1, ref Unsafe.Add(ref t, lanes));
            TL.Store(i2, ref Unsafe.Add(ref t, 2 * lanes));
            TL.Store(i3, ref Unsafe.Add(ref t, 3 * lanes));
            T bestValue = values[0];
            best = int.MaxValue;
            for (int c = 0; c < step; c++)
            {
                int index = ((c / lanes) * (int)segment) + (int.CreateTruncating(iterations[c]) * lanes) + (c % lanes);
                if (TOrder.IsBetter(values[c], bestValue) || (values[c] == bestValue && index < best))
                {
                    (bestValue, best) = (values[c], index);
                }
            }

            if (T.IsZero(bestValue))
            {
                // Comparisons treated −0 and +0 alike, so `best` is the first zero of either sign.
                int preferred = FirstZero(x[..body], negative: !TOrder.IsMax);
                if (preferred >= 0)
                {
                    best = preferred;
                }
            }
        }

        for (int i = body; i < n; i++)
        {
            if (Extremes.Prefer(TOrder.IsMax, x[i], i, x[best], best))
            {
                best = i;
            }
        }

        return best;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int FirstNaN<T>(ReadOnlySpan<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++)
        {
            if (T.IsNaN(x[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The index of the first −0 (or +0) in <paramref name="x"/>, by its bit pattern; −1 if none.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int FirstZero<T>(ReadOnlySpan<T> x, bool negative)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float)
            ? MemoryMarshal.Cast<T, int>(x).IndexOf(negative ? int.MinValue : 0)
            : MemoryMarshal.Cast<T, long>(x).IndexOf(negative ? long.MinValue : 0L);

    /// <summary>One term of a sum: its vector accumulation and its scalar value in double.</summary>
    private interface ITerm
    {
        static abstract bool UsesY { get; }

        static abstract TV Accumulate<T, TV, TL>(TV sum, TV x, TV y, TV scale)
            where T : unmanaged
            where TV : struct
            where TL : ILanes<T, TV>;

        static abstract double Scalar(double x, double y, double scale);
    }

    private readonly struct SumTerm : ITerm
    {
        public static bool UsesY => false;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Accumulate<T, TV, TL>(TV sum, TV x, TV y, TV scale)
            where T : unmanaged
            where TV : struct
            where TL : ILanes<T, TV> => TL.Add(sum, x);

        public static double Scalar(double x, double y, double scale) => x;
    }

    private readonly struct DotTerm : ITerm
    {
        public static bool UsesY => true;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Accumulate<T, TV, TL>(TV sum, TV x, TV y, TV scale)
            where T : unmanaged
            where TV : struct
            where TL : ILanes<T, TV> => TL.MultiplyAdd(x, y, sum);

        public static double Scalar(double x, double y, double scale) => x * y;
    }

    private readonly struct AbsTerm : ITerm
    {
        public static bool UsesY => false;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Accumulate<T, TV, TL>(TV sum, TV x, TV y, TV scale)
            where T : unmanaged
            where TV : struct
            where TL : ILanes<T, TV> => TL.Add(sum, TL.Abs(x));

        public static double Scalar(double x, double y, double scale) => Math.Abs(x);
    }

    /// <summary>(x·scale)²: the scale is a power of two, so the product is exact (Norm2 picks it to avoid overflow
    /// and underflow).</summary>
    private readonly struct SquareTerm : ITerm
    {
        public static bool UsesY => false;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Accumulate<T, TV, TL>(TV sum, TV x, TV y, TV scale)
            where T : unmanaged
            where TV : struct
            where TL : ILanes<T, TV>
        {
            TV scaled = TL.Multiply(x, scale);
            return TL.MultiplyAdd(scaled, scaled, sum);
        }

        public static double Scalar(double x, double y, double scale) => (x * scale) * (x * scale);
    }

    /// <summary>The strict order of an arg-min or arg-max (IEEE: false for NaN, −0 equal to +0).</summary>
    private interface IOrder
    {
        static abstract bool IsMax { get; }

        static abstract TV Better<T, TV, TL>(TV candidate, TV best)
            where T : unmanaged
            where TV : struct
            where TL : ILanes<T, TV>;

        static abstract bool IsBetter<T>(T candidate, T best)
            where T : IFloatingPointIeee754<T>;
    }

    private readonly struct Less : IOrder
    {
        public static bool IsMax => false;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Better<T, TV, TL>(TV candidate, TV best)
            where T : unmanaged
            where TV : struct
            where TL : ILanes<T, TV> => TL.LessThan(candidate, best);

        public static bool IsBetter<T>(T candidate, T best)
            where T : IFloatingPointIeee754<T> => candidate < best;
    }

    private readonly struct Greater : IOrder
    {
        public static bool IsMax => true;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Better<T, TV, TL>(TV candidate, TV best)
            where T : unmanaged
            where TV : struct
            where TL : ILanes<T, TV> => TL.GreaterThan(candidate, best);

        public static bool IsBetter<T>(T candidate, T best)
            where T : IFloatingPointIeee754<T> => candidate > best;
    }
}
