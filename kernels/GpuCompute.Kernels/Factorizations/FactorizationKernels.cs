using GpuCompute.Kernels.LinearAlgebra;
using ILGPU;

namespace GpuCompute.Kernels.Factorizations;

/// <summary>
/// The element-by-element base cases of the triangular tile operations (the engine's recursion does the rest with
/// GEMMs): a triangular solve with one thread per independent right-hand side, the lower triangle of a rank-k update
/// with one thread per element, and the Cholesky factor of a small block on one thread. The blocks are at most a few
/// dozen rows, so these are a small share of a tile's flops; their job is to keep the tile's data on the device.
/// </summary>
internal static class FactorizationKernels
{
    /// <summary>Right-hand side <c>FirstVector + index</c>: substitution in order (backward for U and Lᵀ), dividing by
    /// the diagonal unless it is a unit one.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <typeparam name="TScalar">Arithmetic on <typeparamref name="T"/>.</typeparam>
    /// <param name="index">The thread's right-hand side, from the launch's first.</param>
    /// <param name="m">The buffer holding the triangle.</param>
    /// <param name="b">The buffer holding the right-hand sides, overwritten by the solutions.</param>
    /// <param name="args">Order, strides and shape.</param>
    public static void Solve<T, TScalar>(Index1D index, ArrayView<T> m, ArrayView<T> b, TriangularSolveArguments args)
        where T : unmanaged
        where TScalar : struct, ILinearAlgebraScalar<T>
    {
        TScalar s = default;
        long v = args.FirstVector + index;
        if (v >= args.Vectors)
        {
            return;
        }

        long origin = args.BOffset + (v * args.VectorStride);
        int n = args.Order;
        for (int step = 0; step < n; step++)
        {
            int i = args.Backward != 0 ? n - 1 - step : step;
            long row = args.MOffset + (i * args.MRowStride);
            T x = b[origin + (i * args.ElementStride)];
            for (int earlier = 0; earlier < step; earlier++)
            {
                int p = args.Backward != 0 ? n - 1 - earlier : earlier;
                x = s.SubtractProduct(x, m[row + (p * args.MColumnStride)], b[origin + (p * args.ElementStride)]);
            }

            b[origin + (i * args.ElementStride)] = args.UnitDiagonal != 0 ? x : s.Divide(x, m[row + (i * args.MColumnStride)]);
        }
    }

    /// <summary>Element (i, j) of C with j ≤ i: C[i, j] −= Σₚ A[i, p]·A[j, p]; the strict upper triangle is not
    /// touched.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <typeparam name="TScalar">Arithmetic on <typeparamref name="T"/>.</typeparam>
    /// <param name="index">(i, j).</param>
    /// <param name="a">The buffer holding A.</param>
    /// <param name="c">The buffer holding C.</param>
    /// <param name="args">Order, depth and the views.</param>
    public static void SyrkLower<T, TScalar>(Index2D index, ArrayView<T> a, ArrayView<T> c, SyrkArguments args)
        where T : unmanaged
        where TScalar : struct, ILinearAlgebraScalar<T>
    {
        TScalar s = default;
        int i = index.X, j = index.Y;
        if (i >= args.Order || j > i)
        {
            return;
        }

        long ai = args.AOffset + (i * args.ALeading), aj = args.AOffset + (j * args.ALeading);
        T sum = default;
        for (int p = 0; p < args.Depth; p++)
        {
            sum = s.MultiplyAdd(a[ai + p], a[aj + p], sum);
        }

        long at = args.COffset + (i * args.CLeading) + j;
        c[at] = s.Subtract(c[at], sum);
    }

    /// <summary>One thread: A ← L with A = L·Lᵀ in the lower triangle; <paramref name="info"/>[0] is −1, or the first
    /// column (from 0) whose pivot is not positive (or not a number), where it stops.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <typeparam name="TScalar">Arithmetic on <typeparamref name="T"/>.</typeparam>
    /// <param name="index">The single thread.</param>
    /// <param name="a">The buffer holding the block.</param>
    /// <param name="info">One element: the result code.</param>
    /// <param name="args">Order and the view.</param>
    public static void Potrf<T, TScalar>(Index1D index, ArrayView<T> a, ArrayView<int> info, PotrfArguments args)
        where T : unmanaged
        where TScalar : struct, ILinearAlgebraScalar<T>
    {
        TScalar s = default;
        if (index != 0)
        {
            return;
        }

        int n = args.Order;
        for (int j = 0; j < n; j++)
        {
            long rj = args.Offset + (j * args.Leading);
            T pivot = a[rj + j];
            for (int p = 0; p < j; p++)
            {
                pivot = s.SubtractProduct(pivot, a[rj + p], a[rj + p]);
            }

            if (!s.IsPositive(pivot))
            {
                info[0] = j;
                return;
            }

            T diagonal = s.Sqrt(pivot);
            a[rj + j] = diagonal;
            for (int i = j + 1; i < n; i++)
            {
                long ri = args.Offset + (i * args.Leading);
                T x = a[ri + j];
                for (int p = 0; p < j; p++)
                {
                    x = s.SubtractProduct(x, a[ri + p], a[rj + p]);
                }

                a[ri + j] = s.Divide(x, diagonal);
            }
        }

        info[0] = -1;
    }
}
