using ILGPU;

namespace GpuCompute.Kernels.LinearAlgebra;

/// <summary>
/// Batched GEMM for small matrices: one thread per element (i, row, col) of the batch's C, computing its K-term dot
/// product with fused multiply-adds straight from global memory (neighbouring threads share the row of A_i and read
/// neighbouring columns of B_i, so those loads coalesce or hit cache).
/// </summary>
/// <remarks>Aimed at many small matrices (up to a few dozen rows and columns), where a tiled kernel's groups would
/// sit mostly idle; large matrices belong to the tiled GEMM. Launch explicitly grouped, 1-D, with enough groups to
/// cover Count·M·N threads from <c>first</c>; threads past the end do nothing. With β = 0, C is never read.</remarks>
internal static class BatchedGemmKernel
{
    /// <summary>The kernel entry point (explicitly grouped): thread t computes element <c>first + t</c> of the batch's C.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <typeparam name="TScalar">Arithmetic on <typeparamref name="T"/>.</typeparam>
    /// <param name="a">The A matrices, one after another.</param>
    /// <param name="b">The B matrices, one after another.</param>
    /// <param name="c">The C matrices, one after another; read only when β ≠ 0.</param>
    /// <param name="args">Count, sizes, α and β.</param>
    /// <param name="first">The element of C that thread 0 computes (for launches split into several).</param>
    public static void Gemm<T, TScalar>(ArrayView<T> a, ArrayView<T> b, ArrayView<T> c, BatchedGemmArguments<T> args, long first)
        where T : unmanaged
        where TScalar : struct, ILinearAlgebraScalar<T>
    {
        TScalar s = default;
        long element = first + Grid.GlobalIndex.X;
        long perMatrix = args.M * args.N;
        if (perMatrix == 0 || element >= args.Count * perMatrix || element >= c.Length)
        {
            return;
        }

        long matrix = element / perMatrix;
        long within = element - (matrix * perMatrix);
        long row = within / args.N;
        long col = within - (row * args.N);
        long aRow = (matrix * args.M * args.K) + (row * args.K);
        long bCol = (matrix * args.K * args.N) + col;

        T sum = default;
        for (long p = 0; p < args.K; p++)
        {
            sum = s.MultiplyAdd(a[aRow + p], b[bCol + (p * args.N)], sum);
        }

        T result = s.Multiply(args.Alpha, sum);
        c[element] = s.IsZero(args.Beta) ? result : s.MultiplyAdd(args.Beta, c[element], result);
    }
}
