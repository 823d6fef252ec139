using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using GpuCompute.Matrices;

namespace GpuCompute.Backends.Cpu;

/// <summary>The unpacked path for small products and the k = 0 case.</summary>
internal static unsafe partial class CpuGemm
{
    /// <summary>C ← β·C (k = 0 or α = 0: the product is empty); β = 0 writes zeros without reading C, β = 1 leaves C as it is.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScaleC<T>(in GemmArgs<T> args)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        HostMatrix<T> c = args.C;
        T beta = args.Beta;
        if (beta == T.One)
        {
            return;
        }

        for (int i = 0; i < c.Rows; i++)
        {
            Span<T> row = c.Row(i);
            if (T.IsZero(beta))
            {
                row.Clear();
            }
            else
            {
                for (int j = 0; j < row.Length; j++)
                {
                    row[j] *= beta;
                }
            }
        }
    }

    /// <summary>
    /// Row by row on the calling thread, without packing. When op(B) = B and C rows are at least a vector wide, each C
    /// row accumulates k scaled rows of B (vector axpy); otherwise each element is a dot product of an op(A) row and an
    /// op(B) column, both made contiguous first (op(A) rows gathered when A is transposed, op(B) columns gathered once
    /// when B is not).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Direct<T>(in GemmArgs<T> args)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        HostMatrix<T> a = args.A, b = args.B, c = args.C;
        int m = c.Rows, n = c.Cols, k = args.K;
        CpuKernelPath path = args.Config.Path;
        bool axpyForm = args.OpB == Transpose.None && n >= 16;
        bool gatherB = args.OpB == Transpose.None && !axpyForm;
        int kPadded = RoundUp(k, 16);
        long elements = kPadded + (long)RoundUp(n, 16) + (gatherB ? (long)n * kPadded : 0);
        CpuPackBuffer buffer = CpuPackBuffer.Rent((nuint)elements * (nuint)sizeof(T));
        try
        {
            fixed (T* aData = a.Data, bData = b.Data, cData = c.Data)
            {
                T* aBase = aData + a.Offset, bBase = bData + b.Offset, cBase = cData + c.Offset;
                nint lda = a.LeadingDimension, ldb = b.LeadingDimension, ldc = c.LeadingDimension;
                T* aScratch = (T*)buffer.Pointer;
                T* accumulator = aScratch + kPadded;
                T* bColumns = accumulator + RoundUp(n, 16);
                if (gatherB)
                {
                    for (int p = 0; p < k; p++)
                    {
                        for (int j = 0; j < n; j++)
                        {
                            bColumns[(j * (nint)kPadded) + p] = bBase[(p * ldb) + j];
                        }
                    }
                }

                bool betaZero = T.IsZero(args.Beta);
                for (int i = 0; i < m; i++)
                {
                    T* aRow = aScratch;
                    if (args.OpA == Transpose.None)
                    {
                        aRow = aBase + (i * lda);
                    }
                    else
                    {
                        for (int p = 0; p < k; p++)
                        {
                            aScratch[p] = aBase[(p * lda) + i];
                        }
                    }

                    if (axpyForm)
                    {
                        new Span<T>(accumulator, n).Clear();
                        for (int p = 0; p < k; p++)
                        {
                            Axpy(path, accumulator, aRow[p], bBase + (p * ldb), n);
                        }
                    }
                    else
                    {
                        for (int j = 0; j < n; j++)
                        {
                            T* bColumn = gatherB ? bColumns + (j * (nint)kPadded) : bBase + (j * ldb);
                            accumulator[j] = Dot(path, aRow, bColumn, k);
                        }
                    }

                    WriteBack(path, accumulator, 0, cBase + (i * ldc), 0, 1, n, args.Alpha, args.Beta, betaZero);
                }
            }
        }
        finally
        {
            buffer.Return();
        }
    }

    /// <summary>y[0..n) += x·b[0..n).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Axpy<T>(CpuKernelPath path, T* y, T x, T* b, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int j = 0;
        if (path == CpuKernelPath.Vector512)
        {
            Vector512<T> scale = Vector512.Create(x);
            for (; j <= n - Vector512<T>.Count; j += Vector512<T>.Count)
            {
                (Vector512.Load(y + j) + (scale * Vector512.Load(b + j))).Store(y + j);
            }
        }
        else if (path == CpuKernelPath.Vector256)
        {
            Vector256<T> scale = Vector256.Create(x);
            for (; j <= n - Vector256<T>.Count; j += Vector256<T>.Count)
            {
                (Vector256.Load(y + j) + (scale * Vector256.Load(b + j))).Store(y + j);
            }
        }

        for (; j < n; j++)
        {
            y[j] += x * b[j];
        }
    }

    /// <summary>Σ x[p]·y[p] over p in [0, k).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static T Dot<T>(CpuKernelPath path, T* x, T* y, int k)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T sum = T.Zero;
        int p = 0;
        if (path == CpuKernelPath.Vector512 && k >= Vector512<T>.Count)
        {
            Vector512<T> acc = Vector512<T>.Zero;
            for (; p <= k - Vector512<T>.Count; p += Vector512<T>.Count)
            {
                acc += Vector512.Load(x + p) * Vector512.Load(y + p);
            }

            sum = Vector512.Sum(acc);
        }
        else if (path == CpuKernelPath.Vector256 && k >= Vector256<T>.Count)
        {
            Vector256<T> acc = Vector256<T>.Zero;
            for (; p <= k - Vector256<T>.Count; p += Vector256<T>.Count)
            {
                acc += Vector256.Load(x + p) * Vector256.Load(y + p);
            }

            sum = Vector256.Sum(acc);
        }

        for (; p < k; p++)
        {
            sum += x[p] * y[p];
        }

        return sum;
    }
}
