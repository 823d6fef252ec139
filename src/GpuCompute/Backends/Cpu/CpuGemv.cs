using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace GpuCompute.Backends.Cpu;

/// <summary>GEMV on the CPU device, y ← α·A·x + β·y, with A's rows streamed once at close to memory bandwidth.</summary>
internal static class CpuGemv
{
    /// <summary>Elements of A per CPU work item: large enough to amortize scheduling, small enough to balance.</summary>
    private const long CpuChunkElements = 1 << 17;

    /// <summary>Rows of A the CPU path reads concurrently (4 streams of A per thread, x shared).</summary>
    private const int RowsPerStep = 4;

    /// <summary>The CPU path: chunks of rows (a multiple of <see cref="RowsPerStep"/>) in parallel. Where Vector512 or
    /// Vector256 is accelerated, <see cref="RowsPerStep"/> rows at a time: their streams of A are read concurrently,
    /// each step of x loaded once and shared, 2 fused multiply-add accumulators per row; otherwise (and for the last
    /// rows of a chunk) one vectorized dot product per row. Reads A once, at close to memory bandwidth.</summary>
    public static void Run<T>(T alpha, T[] a, T[] x, int n, T beta, T[] y, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = y.Length;
        long rows = Math.Clamp(CpuChunkElements / Math.Max(1, n), 1, Math.Max(1, m));
        int rowsPerChunk = (int)Math.Min(m, (rows + RowsPerStep - 1) / RowsPerStep * RowsPerStep);
        if (rowsPerChunk == 0)
        {
            return;
        }

        int chunks = (m + rowsPerChunk - 1) / rowsPerChunk;
        bool simd = Vector512.IsHardwareAccelerated || Vector256.IsHardwareAccelerated;
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, chunk =>
        {
            int start = chunk * rowsPerChunk, end = Math.Min(m, start + rowsPerChunk), i = start;
            if (simd)
            {
                Span<T> dots = stackalloc T[RowsPerStep];
                for (; i + RowsPerStep <= end; i += RowsPerStep)
                {
                    if (Vector512.IsHardwareAccelerated)
                    {
                        FourRows<T, Vector512<T>, Lanes512<T>>(a, (long)i * n, x, n, dots);
                    }
                    else
                    {
                        FourRows<T, Vector256<T>, Lanes256<T>>(a, (long)i * n, x, n, dots);
                    }

                    for (int r = 0; r < RowsPerStep; r++)
                    {
                        Store(alpha, dots[r], beta, y, i + r);
                    }
                }
            }

            ReadOnlySpan<T> xs = x.AsSpan(0, n);
            for (; i < end; i++)
            {
                Store(alpha, TensorPrimitives.Dot(a.AsSpan((int)((long)i * n), n), xs), beta, y, i);
            }
        });
    }

    /// <summary>y[i] ← α·dot + β·y[i], without reading y[i] when β = 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<T>(T alpha, T dot, T beta, T[] y, int i)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        y[i] = T.IsZero(beta) ? alpha * dot : (alpha * dot) + (beta * y[i]);

    /// <summary>The dot products of <see cref="RowsPerStep"/> consecutive rows of A (the first at
    /// <paramref name="offset"/>, each <paramref name="n"/> long) with x, into <paramref name="dots"/>: vector steps
    /// with 2 accumulators per row, then a scalar tail.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FourRows<T, TV, TL>(T[] a, long offset, T[] x, int n, Span<T> dots)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TL : ILanes<T, TV>
    {
        int lanes = TL.Count;
        ref T r0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(a), (nint)offset);
        ref T r1 = ref Unsafe.Add(ref r0, n);
        ref T r2 = ref Unsafe.Add(ref r1, n);
        ref T r3 = ref Unsafe.Add(ref r2, n);
        ref T xs = ref MemoryMarshal.GetArrayDataReference(x);
        TV a0 = TL.Zero, a1 = TL.Zero, a2 = TL.Zero, a3 = TL.Zero;
        TV b0 = TL.Zero, b1 = TL.Zero, b2 = TL.Zero, b3 = TL.Zero;
        nuint j = 0, width = (nuint)lanes, columns = (nuint)n;
        for (; j + (2 * width) <= columns; j += 2 * width)
        {
            TV x0 = TL.Load(ref xs, j), x1 = TL.Load(ref xs, j + width);
            a0 = TL.MultiplyAdd(TL.Load(ref r0, j), x0, a0);
            a1 = TL.MultiplyAdd(TL.Load(ref r1, j), x0, a1);
            a2 = TL.MultiplyAdd(TL.Load(ref r2, j), x0, a2);
            a3 = TL.MultiplyAdd(TL.Load(ref r3, j), x0, a3);
            b0 = TL.MultiplyAdd(TL.Load(ref r0, j + width), x1, b0);
            b1 = TL.MultiplyAdd(TL.Load(ref r1, j + width), x1, b1);
            b2 = TL.MultiplyAdd(TL.Load(ref r2, j + width), x1, b2);
            b3 = TL.MultiplyAdd(TL.Load(ref r3, j + width), x1, b3);
        }

        if (j + width <= columns)
        {
            TV x0 = TL.Load(ref xs, j);
            a0 = TL.MultiplyAdd(TL.Load(ref r0, j), x0, a0);
            a1 = TL.MultiplyAdd(TL.Load(ref r1, j), x0, a1);
            a2 = TL.MultiplyAdd(TL.Load(ref r2, j), x0, a2);
            a3 = TL.MultiplyAdd(TL.Load(ref r3, j), x0, a3);
            j += width;
        }

        dots[0] = HorizontalSum<T, TV, TL>(TL.Add(a0, b0)) + Tail(ref r0, ref xs, j, columns);
        dots[1] = HorizontalSum<T, TV, TL>(TL.Add(a1, b1)) + Tail(ref r1, ref xs, j, columns);
        dots[2] = HorizontalSum<T, TV, TL>(TL.Add(a2, b2)) + Tail(ref r2, ref xs, j, columns);
        dots[3] = HorizontalSum<T, TV, TL>(TL.Add(a3, b3)) + Tail(ref r3, ref xs, j, columns);
    }

    private static T HorizontalSum<T, TV, TL>(TV v)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TL : ILanes<T, TV>
    {
        Span<T> lanes = stackalloc T[TL.Count];
        TL.Store(v, ref MemoryMarshal.GetReference(lanes));
        T sum = T.Zero;
        foreach (T lane in lanes)
        {
            sum += lane;
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static T Tail<T>(ref T row, ref T xs, nuint from, nuint columns)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T sum = T.Zero;
        for (nuint j = from; j < columns; j++)
        {
            sum = T.FusedMultiplyAdd(Unsafe.Add(ref row, j), Unsafe.Add(ref xs, j), sum);
        }

        return sum;
    }
}
