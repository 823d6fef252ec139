using System.Numerics;
using GpuCompute.Matrices;

namespace GpuCompute.Factorizations;

/// <summary>LU's row interchanges on host matrices (LAPACK's <c>laswp</c>).</summary>
internal static class RowInterchanges
{
    /// <summary>Applies the interchanges <paramref name="pivots"/> (row <paramref name="first"/> + j with row
    /// pivots[j] − <paramref name="origin"/>, pivots being rows of a matrix whose row <paramref name="origin"/> is this
    /// view's row 0) to the rows of <paramref name="a"/>, in order.</summary>
    public static void Apply<T>(HostMatrix<T> a, ReadOnlySpan<int> pivots, int first, int origin = 0)
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
}
