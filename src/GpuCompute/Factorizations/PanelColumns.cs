using System.Numerics;
using GpuCompute.Matrices;

namespace GpuCompute.Factorizations;

/// <summary>A tall panel copied to scratch column by column (the transpose, each column contiguous) and back: the
/// layout the LU and QR panels compute in, where every column operation is one pass over a long span.</summary>
internal static class PanelColumns
{
    /// <summary>Copies <paramref name="a"/> (m × b) into <paramref name="columns"/>, column j at j·m.</summary>
    public static void Gather<T>(HostMatrix<T> a, T[] columns)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = a.Rows, b = a.Cols;
        for (int i = 0; i < m; i++)
        {
            ReadOnlySpan<T> row = a.Row(i);
            for (int j = 0; j < b; j++)
            {
                columns[(j * m) + i] = row[j];
            }
        }
    }

    /// <summary>Copies <paramref name="columns"/> back into <paramref name="a"/>.</summary>
    public static void Scatter<T>(T[] columns, HostMatrix<T> a)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = a.Rows, b = a.Cols;
        for (int i = 0; i < m; i++)
        {
            Span<T> row = a.Row(i);
            for (int j = 0; j < b; j++)
            {
                row[j] = columns[(j * m) + i];
            }
        }
    }
}
