using System.Numerics;
using GpuCompute.Matrices;

namespace GpuCompute.Data;

/// <summary>Copies between <see cref="DeviceMatrix{T}"/> and <see cref="HostMatrix{T}"/>.</summary>
public static class DeviceMatrixExtensions
{
    /// <summary>Copies the matrix into a new host matrix. Blocks.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The matrix is too large for a host matrix.</exception>
    public static HostMatrix<T> ToHostMatrix<T>(this DeviceMatrix<T> matrix)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(matrix);
        var host = new HostMatrix<T>(checked((int)matrix.Rows), checked((int)matrix.Columns));
        matrix.CopyToHost(host.Data);
        return host;
    }

    /// <summary>Copies <paramref name="source"/> (same shape; a view is fine) into the matrix. Blocks.</summary>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public static void CopyFromHost<T>(this DeviceMatrix<T> matrix, HostMatrix<T> source)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(source);
        if (source.Rows != matrix.Rows || source.Cols != matrix.Columns)
        {
            throw new ArgumentException(
                $"Cannot copy a {source.Rows} x {source.Cols} host matrix into a {matrix.Rows} x {matrix.Columns} device matrix.", nameof(source));
        }

        matrix.CopyFromHost(source.LeadingDimension == source.Cols || source.Rows <= 1 || source.Cols == 0
            ? source.Data.AsSpan(source.Offset, source.Rows * source.Cols)
            : source.Clone().Data);
    }
}
