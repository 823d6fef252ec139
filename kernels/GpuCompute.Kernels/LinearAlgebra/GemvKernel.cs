using ILGPU;

namespace GpuCompute.Kernels.LinearAlgebra;

/// <summary>
/// Matrix–vector product y ← α·A·x + β·y for a dense row-major A: one group per row, the group's threads striding
/// over the row's columns (neighbouring threads read neighbouring elements, so loads coalesce), then a shared-memory
/// tree reduction; thread 0 writes the row's element of y.
/// </summary>
/// <remarks>Launch explicitly grouped with one group per row and a power-of-two group size of at most
/// <see cref="MaxGroupSize"/> threads. With β = 0, y is never read (NaN in y does not propagate).</remarks>
internal static class GemvKernel
{
    /// <summary>The largest group size the kernel's shared buffer holds.</summary>
    public const int MaxGroupSize = 256;

    /// <summary>The kernel entry point (explicitly grouped): group g computes row <c>args.FirstRow + g</c>.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <typeparam name="TScalar">Arithmetic on <typeparamref name="T"/>.</typeparam>
    /// <param name="a">The rows of A, row-major with <c>args.Columns</c> elements per row.</param>
    /// <param name="x">x, <c>args.Columns</c> elements.</param>
    /// <param name="y">y, one element per row of <paramref name="a"/>; read only when β ≠ 0.</param>
    /// <param name="args">The first row, the column count, α and β.</param>
    public static void Gemv<T, TScalar>(ArrayView<T> a, ArrayView<T> x, ArrayView<T> y, GemvArguments<T> args)
        where T : unmanaged
        where TScalar : struct, ILinearAlgebraScalar<T>
    {
        TScalar s = default;
        ArrayView<T> partial = SharedMemory.Allocate<T>(MaxGroupSize);
        int thread = Group.IdxX;
        int size = Group.DimX;
        long row = args.FirstRow + Grid.IdxX;
        long n = args.Columns;
        if (row >= y.Length)
        {
            // The whole group shares the row, so it leaves together and no barrier is left waiting.
            return;
        }

        long rowStart = row * n;

        T sum = default;
        for (long j = thread; j < n; j += size)
        {
            sum = s.MultiplyAdd(a[rowStart + j], x[j], sum);
        }

        partial[thread] = sum;
        Group.Barrier();
        for (int half = size / 2; half > 0; half /= 2)
        {
            if (thread < half)
            {
                partial[thread] = s.Add(partial[thread], partial[thread + half]);
            }

            Group.Barrier();
        }

        if (thread == 0)
        {
            T result = s.Multiply(args.Alpha, partial[0]);
            y[row] = s.IsZero(args.Beta) ? result : s.MultiplyAdd(args.Beta, y[row], result);
        }
    }
}
