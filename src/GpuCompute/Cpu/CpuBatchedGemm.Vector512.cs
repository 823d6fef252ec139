using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GpuCompute.Cpu;

/// <summary>The 512-bit kernels of <see cref="CpuBatchedGemm"/> (kept in step with the other width's file).</summary>
internal static unsafe partial class CpuBatchedGemm
{
    /// <summary>C ← α·acc + β·C for one vector of C, full or masked; C is not read when β = 0.</summary>
    private readonly struct Epilogue512<T>(T alpha, T beta, Vector512<T> mask)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        /// <summary>The lanes of the last, partial vector of a strip.</summary>
        public readonly Vector512<T> Mask = mask;

        private readonly Vector512<T> alpha = Vector512.Create(alpha), beta = Vector512.Create(beta);

        private readonly bool readC = beta != T.Zero;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Put<TTail>(T* c, Vector512<T> acc)
            where TTail : struct
        {
            Vector512<T> r = acc * alpha;
            if (typeof(TTail) == typeof(Full))
            {
                if (readC)
                {
                    r = Fma512(beta, Vector512.Load(c), r);
                }

                r.Store(c);
            }
            else
            {
                if (readC)
                {
                    r = Fma512(beta, MaskLoad512(c, Mask), r);
                }

                MaskStore512(c, Mask, r);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Last512<T, TTail>(T* p, Vector512<T> mask)
        where T : unmanaged
        where TTail : struct => typeof(TTail) == typeof(Full) ? Vector512.Load(p) : MaskLoad512(p, mask);

    /// <summary>Four rows × two vectors of C (8 accumulators): each step of k loads two B vectors and broadcasts four
    /// A elements.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows4x2512<T, TTail>(T* a, nint lda, T* b, nint ldb, T* c, nint ldc, int k, Epilogue512<T> e)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TTail : struct
    {
        Vector512<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        T* a1 = a + lda, a2 = a1 + lda, a3 = a2 + lda;
        for (int p = 0; p < k; p++)
        {
            Vector512<T> b0 = Vector512.Load(b), b1 = Last512<T, TTail>(b + Vector512<T>.Count, e.Mask);
            Vector512<T> x = Vector512.Create(a[p]);
            c00 = Fma512(x, b0, c00); c01 = Fma512(x, b1, c01);
            x = Vector512.Create(a1[p]);
            c10 = Fma512(x, b0, c10); c11 = Fma512(x, b1, c11);
            x = Vector512.Create(a2[p]);
            c20 = Fma512(x, b0, c20); c21 = Fma512(x, b1, c21);
            x = Vector512.Create(a3[p]);
            c30 = Fma512(x, b0, c30); c31 = Fma512(x, b1, c31);
            b += ldb;
        }

        nint w = Vector512<T>.Count;
        e.Put<Full>(c, c00); e.Put<TTail>(c + w, c01); c += ldc;
        e.Put<Full>(c, c10); e.Put<TTail>(c + w, c11); c += ldc;
        e.Put<Full>(c, c20); e.Put<TTail>(c + w, c21); c += ldc;
        e.Put<Full>(c, c30); e.Put<TTail>(c + w, c31);
    }

    /// <summary>One row × two vectors of C, k split over even and odd steps (4 independent accumulators).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows1x2512<T, TTail>(T* a, T* b, nint ldb, T* c, int k, Epilogue512<T> e)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TTail : struct
    {
        Vector512<T> c0 = default, c1 = default, d0 = default, d1 = default;
        nint w = Vector512<T>.Count;
        int p = 0;
        for (; p + 1 < k; p += 2)
        {
            Vector512<T> x = Vector512.Create(a[p]), y = Vector512.Create(a[p + 1]);
            c0 = Fma512(x, Vector512.Load(b), c0); c1 = Fma512(x, Last512<T, TTail>(b + w, e.Mask), c1);
            d0 = Fma512(y, Vector512.Load(b + ldb), d0); d1 = Fma512(y, Last512<T, TTail>(b + ldb + w, e.Mask), d1);
            b += 2 * ldb;
        }

        if (p < k)
        {
            Vector512<T> x = Vector512.Create(a[p]);
            c0 = Fma512(x, Vector512.Load(b), c0); c1 = Fma512(x, Last512<T, TTail>(b + w, e.Mask), c1);
        }

        e.Put<Full>(c, c0 + d0); e.Put<TTail>(c + w, c1 + d1);
    }

    /// <summary>Eight rows × one vector of C (8 accumulators): each step of k loads one B vector and broadcasts eight
    /// A elements.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows8x1512<T, TTail>(T* a, nint lda, T* b, nint ldb, T* c, nint ldc, int k, Epilogue512<T> e)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TTail : struct
    {
        Vector512<T> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        T* a4 = a + (4 * lda);
        for (int p = 0; p < k; p++)
        {
            Vector512<T> b0 = Last512<T, TTail>(b, e.Mask);
            c0 = Fma512(Vector512.Create(a[p]), b0, c0);
            c1 = Fma512(Vector512.Create(a[lda + p]), b0, c1);
            c2 = Fma512(Vector512.Create(a[(2 * lda) + p]), b0, c2);
            c3 = Fma512(Vector512.Create(a[(3 * lda) + p]), b0, c3);
            c4 = Fma512(Vector512.Create(a4[p]), b0, c4);
            c5 = Fma512(Vector512.Create(a4[lda + p]), b0, c5);
            c6 = Fma512(Vector512.Create(a4[(2 * lda) + p]), b0, c6);
            c7 = Fma512(Vector512.Create(a4[(3 * lda) + p]), b0, c7);
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
    private static void Rows1x1512<T, TTail>(T* a, T* b, nint ldb, T* c, int k, Epilogue512<T> e)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TTail : struct
    {
        Vector512<T> c0 = default, c1 = default, c2 = default, c3 = default;
        int p = 0;
        for (; p + 3 < k; p += 4)
        {
            c0 = Fma512(Vector512.Create(a[p]), Last512<T, TTail>(b, e.Mask), c0);
            c1 = Fma512(Vector512.Create(a[p + 1]), Last512<T, TTail>(b + ldb, e.Mask), c1);
            c2 = Fma512(Vector512.Create(a[p + 2]), Last512<T, TTail>(b + (2 * ldb), e.Mask), c2);
            c3 = Fma512(Vector512.Create(a[p + 3]), Last512<T, TTail>(b + (3 * ldb), e.Mask), c3);
            b += 4 * ldb;
        }

        for (; p < k; p++)
        {
            c0 = Fma512(Vector512.Create(a[p]), Last512<T, TTail>(b, e.Mask), c0);
            b += ldb;
        }

        e.Put<TTail>(c, (c0 + c1) + (c2 + c3));
    }

    /// <summary>One matrix: column strips of two vectors (then one), the last vector of the last strip masked when
    /// n is not a multiple of the width; rows in blocks of four (eight for one-vector strips), then one by one.</summary>
    private static void Matrix512<T>(T* a, T* b, T* c, int m, int n, int k, T alpha, T beta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector512<T>.Count;
        for (int j = 0; j < n; j += 2 * w)
        {
            int width = Math.Min(2 * w, n - j);
            int rest = width > w ? width - w : width;
            var e = new Epilogue512<T>(alpha, beta, Vector512.LessThan(Vector512<T>.Indices, Vector512.Create(T.CreateTruncating(rest))));
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
                        Rows4x2512<T, Full>(ai, k, bj, n, ci, n, k, e);
                    }
                    else
                    {
                        Rows4x2512<T, Masked>(ai, k, bj, n, ci, n, k, e);
                    }
                }

                for (; i < m; i++)
                {
                    T* ai = a + ((nint)i * k), ci = cj + ((nint)i * n);
                    if (full)
                    {
                        Rows1x2512<T, Full>(ai, bj, n, ci, k, e);
                    }
                    else
                    {
                        Rows1x2512<T, Masked>(ai, bj, n, ci, k, e);
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
                        Rows8x1512<T, Full>(ai, k, bj, n, ci, n, k, e);
                    }
                    else
                    {
                        Rows8x1512<T, Masked>(ai, k, bj, n, ci, n, k, e);
                    }
                }

                for (; i < m; i++)
                {
                    T* ai = a + ((nint)i * k), ci = cj + ((nint)i * n);
                    if (full)
                    {
                        Rows1x1512<T, Full>(ai, bj, n, ci, k, e);
                    }
                    else
                    {
                        Rows1x1512<T, Masked>(ai, bj, n, ci, k, e);
                    }
                }
            }
        }
    }
}
