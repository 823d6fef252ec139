using System.Numerics;
using System.Runtime.CompilerServices;

namespace GpuCompute.Backends.Cpu;

/// <summary>The SIMD kernels of <see cref="CpuBatchedGemm"/>, written once over <see cref="ILanes{T, TV}"/>: the JIT
/// specializes them per vector width (<see cref="Lanes512{T}"/>, <see cref="Lanes256{T}"/>) and element type.</summary>
internal static unsafe partial class CpuBatchedGemm
{
    /// <summary>C ← α·acc + β·C for one vector of C, full or masked; C is not read when β = 0.</summary>
    private readonly struct Epilogue<T, TV, TL>(T alpha, T beta, TV mask)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TL : ILanes<T, TV>
    {
        /// <summary>The lanes of the last, partial vector of a strip.</summary>
        public readonly TV Mask = mask;

        private readonly TV alpha = TL.Create(alpha), beta = TL.Create(beta);

        private readonly bool readC = beta != T.Zero;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Put<TTail>(T* c, TV acc)
            where TTail : struct
        {
            TV r = TL.Multiply(acc, alpha);
            if (typeof(TTail) == typeof(Full))
            {
                if (readC)
                {
                    r = TL.MultiplyAdd(beta, TL.Load(ref *c, 0), r);
                }

                TL.Store(r, ref *c);
            }
            else
            {
                if (readC)
                {
                    r = TL.MultiplyAdd(beta, TL.MaskLoad(c, Mask), r);
                }

                TL.MaskStore(c, Mask, r);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Last<T, TV, TL, TTail>(T* p, TV mask)
        where T : unmanaged
        where TV : struct
        where TL : ILanes<T, TV>
        where TTail : struct => typeof(TTail) == typeof(Full) ? TL.Load(ref *p, 0) : TL.MaskLoad(p, mask);

    /// <summary>Four rows × two vectors of C (8 accumulators): each step of k loads two B vectors and broadcasts four
    /// A elements.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows4x2<T, TV, TL, TTail>(T* a, nint lda, T* b, nint ldb, T* c, nint ldc, int k, Epilogue<T, TV, TL> e)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TL : ILanes<T, TV>
        where TTail : struct
    {
        TV c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        T* a1 = a + lda, a2 = a1 + lda, a3 = a2 + lda;
        nint w = TL.Count;
        for (int p = 0; p < k; p++)
        {
            TV b0 = TL.Load(ref *b, 0), b1 = Last<T, TV, TL, TTail>(b + w, e.Mask);
            TV x = TL.Create(a[p]);
            c00 = TL.MultiplyAdd(x, b0, c00); c01 = TL.MultiplyAdd(x, b1, c01);
            x = TL.Create(a1[p]);
            c10 = TL.MultiplyAdd(x, b0, c10); c11 = TL.MultiplyAdd(x, b1, c11);
            x = TL.Create(a2[p]);
            c20 = TL.MultiplyAdd(x, b0, c20); c21 = TL.MultiplyAdd(x, b1, c21);
            x = TL.Create(a3[p]);
            c30 = TL.MultiplyAdd(x, b0, c30); c31 = TL.MultiplyAdd(x, b1, c31);
            b += ldb;
        }

        e.Put<Full>(c, c00); e.Put<TTail>(c + w, c01); c += ldc;
        e.Put<Full>(c, c10); e.Put<TTail>(c + w, c11); c += ldc;
        e.Put<Full>(c, c20); e.Put<TTail>(c + w, c21); c += ldc;
        e.Put<Full>(c, c30); e.Put<TTail>(c + w, c31);
    }

    /// <summary>One row × two vectors of C, k split over even and odd steps (4 independent accumulators).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows1x2<T, TV, TL, TTail>(T* a, T* b, nint ldb, T* c, int k, Epilogue<T, TV, TL> e)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TL : ILanes<T, TV>
        where TTail : struct
    {
        TV c0 = default, c1 = default, d0 = default, d1 = default;
        nint w = TL.Count;
        int p = 0;
        for (; p + 1 < k; p += 2)
        {
            TV x = TL.Create(a[p]), y = TL.Create(a[p + 1]);
            c0 = TL.MultiplyAdd(x, TL.Load(ref *b, 0), c0); c1 = TL.MultiplyAdd(x, Last<T, TV, TL, TTail>(b + w, e.Mask), c1);
            d0 = TL.MultiplyAdd(y, TL.Load(ref *(b + ldb), 0), d0); d1 = TL.MultiplyAdd(y, Last<T, TV, TL, TTail>(b + ldb + w, e.Mask), d1);
            b += 2 * ldb;
        }

        if (p < k)
        {
            TV x = TL.Create(a[p]);
            c0 = TL.MultiplyAdd(x, TL.Load(ref *b, 0), c0); c1 = TL.MultiplyAdd(x, Last<T, TV, TL, TTail>(b + w, e.Mask), c1);
        }

        e.Put<Full>(c, TL.Add(c0, d0)); e.Put<TTail>(c + w, TL.Add(c1, d1));
    }

    /// <summary>Eight rows × one vector of C (8 accumulators): each step of k loads one B vector and broadcasts eight
    /// A elements.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows8x1<T, TV, TL, TTail>(T* a, nint lda, T* b, nint ldb, T* c, nint ldc, int k, Epilogue<T, TV, TL> e)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TL : ILanes<T, TV>
        where TTail : struct
    {
        TV c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        T* a4 = a + (4 * lda);
        for (int p = 0; p < k; p++)
        {
            TV b0 = Last<T, TV, TL, TTail>(b, e.Mask);
            c0 = TL.MultiplyAdd(TL.Create(a[p]), b0, c0);
            c1 = TL.MultiplyAdd(TL.Create(a[lda + p]), b0, c1);
            c2 = TL.MultiplyAdd(TL.Create(a[(2 * lda) + p]), b0, c2);
            c3 = TL.MultiplyAdd(TL.Create(a[(3 * lda) + p]), b0, c3);
            c4 = TL.MultiplyAdd(TL.Create(a4[p]), b0, c4);
            c5 = TL.MultiplyAdd(TL.Create(a4[lda + p]), b0, c5);
            c6 = TL.MultiplyAdd(TL.Create(a4[(2 * lda) + p]), b0, c6);
            c7 = TL.MultiplyAdd(TL.Create(a4[(3 * lda) + p]), b0, c7);
            b += ldb;
        }

        e.Put<TTail>(c, c0); c += ldc;
        e.Put<TTail>(c, c1); c += ldc;
        e.Put<TTail>(c, c2); c += ldc;
        e.Put<TTail>(c, c3); c += ldc;
        e.Put<TTail>(c, c4); c += ldc;
        e.Put<TTail>(c, c5); c += ldc;
        e.Put<TTail>(c, c6); c += ldc;
        e.Put<TTail>(c, c7);
    }

    /// <summary>One row × one vector of C, k split over four accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows1x1<T, TV, TL, TTail>(T* a, T* b, nint ldb, T* c, int k, Epilogue<T, TV, TL> e)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TL : ILanes<T, TV>
        where TTail : struct
    {
        TV c0 = default, c1 = default, c2 = default, c3 = default;
        int p = 0;
        for (; p + 3 < k; p += 4)
        {
            c0 = TL.MultiplyAdd(TL.Create(a[p]), Last<T, TV, TL, TTail>(b, e.Mask), c0);
            c1 = TL.MultiplyAdd(TL.Create(a[p + 1]), Last<T, TV, TL, TTail>(b + ldb, e.Mask), c1);
            c2 = TL.MultiplyAdd(TL.Create(a[p + 2]), Last<T, TV, TL, TTail>(b + (2 * ldb), e.Mask), c2);
            c3 = TL.MultiplyAdd(TL.Create(a[p + 3]), Last<T, TV, TL, TTail>(b + (3 * ldb), e.Mask), c3);
            b += 4 * ldb;
        }

        for (; p < k; p++)
        {
            c0 = TL.MultiplyAdd(TL.Create(a[p]), Last<T, TV, TL, TTail>(b, e.Mask), c0);
            b += ldb;
        }

        e.Put<TTail>(c, TL.Add(TL.Add(c0, c1), TL.Add(c2, c3)));
    }

    /// <summary>One matrix: column strips of two vectors (then one), the last vector of the last strip masked when
    /// n is not a multiple of the width; rows in blocks of four (eight for one-vector strips), then one by one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MatrixSimd<T, TV, TL>(T* a, T* b, T* c, int m, int n, int k, T alpha, T beta)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TL : ILanes<T, TV>
    {
        int w = TL.Count;
        for (int j = 0; j < n; j += 2 * w)
        {
            int width = Math.Min(2 * w, n - j);
            int rest = width > w ? width - w : width;
            var e = new Epilogue<T, TV, TL>(alpha, beta, TL.FirstLanes(rest));
            T* bj = b + j, cj = c + j;
            int i = 0;
            if (width > w)
            {
                bool full = rest == w;
                for (; i + 4 <= m; i += 4)
                {
                    T* ai = a + ((nint)i * k), ci = cj + ((nint)i * n);
                    if (full)
                    {
                        Rows4x2<T, TV, TL, Full>(ai, k, bj, n, ci, n, k, e);
                    }
                    else
                    {
                        Rows4x2<T, TV, TL, Masked>(ai, k, bj, n, ci, n, k, e);
                    }
                }

                for (; i < m; i++)
                {
                    T* ai = a + ((nint)i * k), ci = cj + ((nint)i * n);
                    if (full)
                    {
                        Rows1x2<T, TV, TL, Full>(ai, bj, n, ci, k, e);
                    }
                    else
                    {
                        Rows1x2<T, TV, TL, Masked>(ai, bj, n, ci, k, e);
                    }
                }
            }
            else
            {
                bool full = width == w;
                for (; i + 8 <= m; i += 8)
                {
                    T* ai = a + ((nint)i * k), ci = cj + ((nint)i * n);
                    if (full)
                    {
                        Rows8x1<T, TV, TL, Full>(ai, k, bj, n, ci, n, k, e);
                    }
                    else
                    {
                        Rows8x1<T, TV, TL, Masked>(ai, k, bj, n, ci, n, k, e);
                    }
                }

                for (; i < m; i++)
                {
                    T* ai = a + ((nint)i * k), ci = cj + ((nint)i * n);
                    if (full)
                    {
                        Rows1x1<T, TV, TL, Full>(ai, bj, n, ci, k, e);
                    }
                    else
                    {
                        Rows1x1<T, TV, TL, Masked>(ai, bj, n, ci, k, e);
                    }
                }
            }
        }
    }
}
