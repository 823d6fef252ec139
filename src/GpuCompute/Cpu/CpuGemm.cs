using System.Numerics;
using GpuCompute.Matrices;

namespace GpuCompute.Cpu;

/// <summary>GEMM on the host CPU. PLACEHOLDER: straightforward row-parallel loops, replaced by the packed SIMD path.</summary>
internal static class CpuGemm
{
    /// <summary>
    /// C ← α·op(A)·op(B) + β·C on up to <paramref name="maxThreads"/> threads. Shapes are trusted (validated by the
    /// caller): op(A) is C.Rows × K and op(B) is K × C.Cols. β = 0 never reads C (BLAS semantics).
    /// </summary>
    public static void Multiply<T>(
        T alpha, HostMatrix<T> a, Transpose opA, HostMatrix<T> b, Transpose opB, T beta, HostMatrix<T> c, int maxThreads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = c.Rows, n = c.Cols, k = opA == Transpose.None ? a.Cols : a.Rows;
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, maxThreads) };
        Parallel.For(0, m, options, i =>
        {
            Span<T> row = c.Row(i);
            for (int j = 0; j < n; j++)
            {
                T sum = T.Zero;
                for (int p = 0; p < k; p++)
                {
                    T x = opA == Transpose.None ? a[i, p] : a[p, i];
                    T y = opB == Transpose.None ? b[p, j] : b[j, p];
                    sum += x * y;
                }

                row[j] = T.IsZero(beta) ? alpha * sum : (alpha * sum) + (beta * row[j]);
            }
        });
    }
}
