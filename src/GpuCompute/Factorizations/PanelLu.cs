using System.Numerics;
using System.Numerics.Tensors;
using GpuCompute.Backends;
using GpuCompute.Matrices;

namespace GpuCompute.Factorizations;

/// <summary>
/// LU with partial pivoting of a tall panel (m × b, m ≥ b), recursive over its columns (Toledo): the left half is
/// factored, its row interchanges applied to the right half, U₁₂ = L₁₁⁻¹·A₁₂, A₂₂ ← A₂₂ − L₂₁·U₁₂ (a GEMM on the
/// device), the right half factored, and its interchanges applied back to the left half. Only columns of at most
/// <see cref="Base"/> are factored element by element.
/// </summary>
internal static class PanelLu
{
    /// <summary>Columns below which the panel is factored element by element.</summary>
    public const int Base = 32;

    /// <summary>Factors <paramref name="a"/> in place (L unit lower below the diagonal, U on and above it);
    /// <paramref name="pivots"/>[j] receives the row (of the panel, from 0) interchanged with row j. Returns -1, or the
    /// first column whose pivot is exactly zero.</summary>
    public static int Factor<T>(ComputeDevice device, HostMatrix<T> a, Span<int> pivots, CancellationToken cancellation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = a.Rows, b = a.Cols;
        if (b <= Base)
        {
            return FactorElementwise(a, pivots);
        }

        int h = b / 2;
        var left = a.Slice(0, 0, m, h);
        int info = Factor(device, left, pivots[..h], cancellation);
        if (info >= 0)
        {
            return info;
        }

        var right = a.Slice(0, h, m, b - h);
        Swap(right, pivots[..h], 0);
        TileKernels.TrsmLeftUnitLower(device, a.Slice(0, 0, h, h), right.Slice(0, 0, h, b - h), cancellation);
        TileKernels.Gemm(device, -T.One, a.Slice(h, 0, m - h, h), Transpose.None, right.Slice(0, 0, h, b - h), Transpose.None, T.One, right.Slice(h, 0, m - h, b - h), cancellation);
        info = Factor(device, a.Slice(h, h, m - h, b - h), pivots[h..], cancellation);
        for (int j = h; j < b; j++)
        {
            pivots[j] += h; // the lower half's pivots, as rows of the whole panel
        }

        Swap(left, pivots[h..], h);
        return info < 0 ? -1 : h + info;
    }

    /// <summary>Applies the interchanges <paramref name="pivots"/> (row <paramref name="first"/> + j with row
    /// pivots[j] − <paramref name="origin"/>, pivots being rows of a matrix whose row <paramref name="origin"/> is this
    /// view's row 0) to the rows of <paramref name="a"/>, in order (LAPACK's <c>laswp</c>).</summary>
    public static void Swap<T>(HostMatrix<T> a, ReadOnlySpan<int> pivots, int first, int origin = 0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (a.Cols == 0)
        {
            return;
        }

        for (int j = 0; j < pivots.Length; j++)
        {
            int row = first + j, other = pivots[j] - origin;
            if (other != row)
            {
                SwapRows(a.Row(row), a.Row(other));
            }
        }
    }

    /// <summary>Exchanges two rows' elements, a chunk at a time through a small buffer (three vectorized copies
    /// instead of an element-by-element exchange).</summary>
    public static void SwapRows<T>(Span<T> x, Span<T> y)
        where T : unmanaged
    {
        const int Chunk = 256;
        Span<T> buffer = stackalloc T[Chunk];
        for (int start = 0; start < x.Length; start += Chunk)
        {
            int length = Math.Min(Chunk, x.Length - start);
            Span<T> xs = x.Slice(start, length), ys = y.Slice(start, length), held = buffer[..length];
            xs.CopyTo(held);
            ys.CopyTo(xs);
            held.CopyTo(ys);
        }
    }

    /// <summary>A panel of at most <see cref="Base"/> columns, column by column. It is worked on transposed (each
    /// column a contiguous row of scratch), so the pivot search, the scaling and every rank-one update are single
    /// vectorized passes over long spans, instead of a short call per row of a tall panel.</summary>
    private static int FactorElementwise<T>(HostMatrix<T> a, Span<int> pivots)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = a.Rows, b = a.Cols, info = -1;
        T[] scratch = System.Buffers.ArrayPool<T>.Shared.Rent(m * b);
        try
        {
            PanelColumns.Gather(a, scratch);
            Span<T> Column(int j) => scratch.AsSpan(j * m, m);
            for (int j = 0; j < b; j++)
            {
                Span<T> column = Column(j);
                int pivot = j + TensorPrimitives.IndexOfMaxMagnitude<T>(column[j..]);
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
                    info = info < 0 ? j : info; // singular: LAPACK goes on, leaving the column below as it is
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
}
