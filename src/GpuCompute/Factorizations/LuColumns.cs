using System.Numerics;
using System.Numerics.Tensors;
using GpuCompute.Matrices;

namespace GpuCompute.Factorizations;

/// <summary>
/// LU with partial pivoting of a narrow panel in host memory, column by column: the host's base case of
/// <see cref="PanelLu{T, TTile, TTarget}"/>. The panel is worked on transposed (each column a contiguous row of
/// scratch), so the pivot search, the scaling and every rank-one update are single vectorized passes over long spans,
/// instead of a short call per row of a tall panel.
/// </summary>
internal static class LuColumns
{
    /// <summary>Factors <paramref name="a"/> in place; <paramref name="pivots"/>[j] receives the row (of the panel,
    /// from 0) interchanged with row j. Returns −1, or the first column whose pivot is exactly zero (LAPACK goes on,
    /// leaving the column below it as it is).</summary>
    public static int Factor<T>(HostMatrix<T> a, Span<int> pivots)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = a.Rows, b = a.Cols, info = -1;
        T[] scratch = System.Buffers.ArrayPool<T>.Shared.Rent(Math.Max(1, m * b));
        try
        {
            PanelColumns.Gather(a, scratch);
            Span<T> Column(int j) => scratch.AsSpan(j * m, m);
            for (int j = 0; j < b; j++)
            {
                Span<T> column = Column(j);
                int pivot = FirstOfLargestMagnitude(column, j);
                pivots[j] = pivot;
                if (pivot != j)
                {
                    for (int c = 0; c < b; c++)
                    {
                        Span<T> other = Column(c);
                        (other[j], other[pivot]) = (other[pivot], other[j]);
                    }
                }

                T diagonal = column[j];
                if (T.IsZero(diagonal))
                {
                    info = info < 0 ? j : info;
                    continue;
                }

                Span<T> below = column[(j + 1)..];
                TensorPrimitives.Multiply<T>(below, T.One / diagonal, below); // L's column
                for (int c = j + 1; c < b; c++)
                {
                    Span<T> target = Column(c)[(j + 1)..];
                    TensorPrimitives.MultiplyAdd<T>(below, -Column(c)[j], target, target); // A[j+1.., c] −= l·u[j, c]
                }
            }

            PanelColumns.Scatter(scratch, a);
        }
        finally
        {
            System.Buffers.ArrayPool<T>.Shared.Return(scratch);
        }

        return info;
    }

    /// <summary>The row at or below <paramref name="j"/> of the largest magnitude, the first of equal ones as LAPACK's
    /// <c>i_amax</c> takes (the vectorized search prefers a positive value on a tie, so the rows before it are
    /// checked for the same magnitude: the pivot does not depend on the device).</summary>
    private static int FirstOfLargestMagnitude<T>(ReadOnlySpan<T> column, int j)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int pivot = j + TensorPrimitives.IndexOfMaxMagnitude<T>(column[j..]);
        T largest = T.Abs(column[pivot]);
        for (int i = j; i < pivot; i++)
        {
            if (T.Abs(column[i]) == largest)
            {
                return i;
            }
        }

        return pivot;
    }
}
