using System.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace GpuCompute.Matrices;

/// <summary>Conversions between <see cref="HostMatrix{T}"/>, MathNet.Numerics matrices and <c>T[,]</c> (all copy).</summary>
public static class MatrixConversions
{
    /// <summary>Copies a MathNet matrix (any storage) into a new row-major host matrix.</summary>
    public static HostMatrix<T> ToHostMatrix<T>(this Matrix<T> matrix)
        where T : unmanaged, IFloatingPointIeee754<T>, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(matrix);
        return new HostMatrix<T>(matrix.ToRowMajorArray(), matrix.RowCount, matrix.ColumnCount, Math.Max(1, matrix.ColumnCount));
    }

    /// <summary>Copies a host matrix (or view) into a new dense MathNet matrix.</summary>
    public static Matrix<T> ToMathNet<T>(this HostMatrix<T> matrix)
        where T : unmanaged, IFloatingPointIeee754<T>, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(matrix);
        var rowMajor = new T[(long)matrix.Rows * matrix.Cols];
        for (int i = 0; i < matrix.Rows; i++)
        {
            matrix.Row(i).CopyTo(rowMajor.AsSpan(i * matrix.Cols, matrix.Cols));
        }

        return Matrix<T>.Build.DenseOfRowMajor(matrix.Rows, matrix.Cols, rowMajor);
    }

    /// <summary>Copies a two-dimensional array into a new host matrix.</summary>
    public static HostMatrix<T> ToHostMatrix<T>(this T[,] array)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(array);
        var matrix = new HostMatrix<T>(array.GetLength(0), array.GetLength(1));
        for (int i = 0; i < matrix.Rows; i++)
        {
            Span<T> row = matrix.Row(i);
            for (int j = 0; j < matrix.Cols; j++)
            {
                row[j] = array[i, j];
            }
        }

        return matrix;
    }

    /// <summary>Copies a host matrix (or view) into a new two-dimensional array.</summary>
    public static T[,] ToArray2D<T>(this HostMatrix<T> matrix)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(matrix);
        var array = new T[matrix.Rows, matrix.Cols];
        for (int i = 0; i < matrix.Rows; i++)
        {
            Span<T> row = matrix.Row(i);
            for (int j = 0; j < matrix.Cols; j++)
            {
                array[i, j] = row[j];
            }
        }

        return array;
    }
}
