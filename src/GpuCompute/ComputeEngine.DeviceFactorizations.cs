using System.Numerics;
using GpuCompute.Data;
using GpuCompute.Matrices;
using GpuCompute.Scheduling;

namespace GpuCompute;

/// <summary>The dense factorizations on device-resident matrices: the same task graphs, LAPACK's conventions.</summary>
public sealed partial class ComputeEngine
{
    /// <summary>
    /// Cholesky factorization of a device-resident matrix in place: as
    /// <see cref="Cholesky{T}(HostMatrix{T}, CancellationToken)"/>, the lower triangle overwritten with L.
    /// </summary>
    /// <remarks>A matrix held whole by the CPU device is factored where it lies. One split across devices, or held by
    /// an ILGPU device, is copied to host memory once, factored by the task graph (whose updates take tile copies to
    /// the devices again as they need them) and copied back; when the factorization fails it is left as it was.</remarks>
    /// <exception cref="ArgumentException">A is not square, holds NaN or an infinity, belongs to another engine, or has
    /// more elements than one array can hold.</exception>
    /// <exception cref="ObjectDisposedException">The engine or A was disposed.</exception>
    /// <exception cref="Factorizations.MatrixNotPositiveDefiniteException">A pivot is not positive; the exception names the column.</exception>
    public OperationReport Cholesky<T>(DeviceMatrix<T> a, CancellationToken cancellation = default)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        OnHost(a, nameof(a), host => Cholesky(host, cancellation));

    /// <summary>B ← A⁻¹·B from a device-resident Cholesky factor, as
    /// <see cref="CholeskySolve{T}(HostMatrix{T}, HostMatrix{T}, CancellationToken)"/> (the factor is only read).</summary>
    /// <exception cref="ArgumentException">The shapes do not fit, the factor is singular, B is the factor, or either
    /// belongs to another engine.</exception>
    public OperationReport CholeskySolve<T>(DeviceMatrix<T> factor, DeviceMatrix<T> b, CancellationToken cancellation = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ThrowIfSame(factor, b);
        return OnHost(factor, nameof(factor), l => OnHost(b, nameof(b), x => CholeskySolve(l, x, cancellation)), readOnly: true);
    }

    /// <summary>LU factorization with partial pivoting of a device-resident matrix in place, as
    /// <see cref="Lu{T}(HostMatrix{T}, int[], CancellationToken)"/>; where the data goes is as for
    /// <see cref="Cholesky{T}(DeviceMatrix{T}, CancellationToken)"/>.</summary>
    /// <exception cref="Factorizations.MatrixSingularException">A pivot is exactly zero; the exception names the column.</exception>
    public OperationReport Lu<T>(DeviceMatrix<T> a, int[] pivots, CancellationToken cancellation = default)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        OnHost(a, nameof(a), host => Lu(host, pivots, cancellation));

    /// <summary>B ← A⁻¹·B from a device-resident LU factorization, as
    /// <see cref="LuSolve{T}(HostMatrix{T}, int[], HostMatrix{T}, CancellationToken)"/> (the factor is only read).</summary>
    public OperationReport LuSolve<T>(DeviceMatrix<T> factor, int[] pivots, DeviceMatrix<T> b, CancellationToken cancellation = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ThrowIfSame(factor, b);
        return OnHost(factor, nameof(factor), f => OnHost(b, nameof(b), x => LuSolve(f, pivots, x, cancellation)), readOnly: true);
    }

    /// <summary>Householder QR of a device-resident matrix in place, as <see cref="Qr{T}(HostMatrix{T}, T[], CancellationToken)"/>.</summary>
    public OperationReport Qr<T>(DeviceMatrix<T> a, T[] tau, CancellationToken cancellation = default)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        OnHost(a, nameof(a), host => Qr(host, tau, cancellation));

    private static void ThrowIfSame<T>(DeviceMatrix<T> factor, DeviceMatrix<T> b)
        where T : unmanaged
    {
        if (ReferenceEquals(factor?.Storage, b?.Storage))
        {
            throw new ArgumentException("B is the factor itself; B is overwritten, so it must be another matrix.", nameof(b));
        }
    }

    /// <summary>
    /// Runs <paramref name="factor"/> on a host view of <paramref name="matrix"/>: its own memory when the CPU device
    /// holds it whole, otherwise a copy, written back when <paramref name="factor"/> returns (not when it throws, nor for
    /// a matrix it only reads).
    /// </summary>
    private OperationReport OnHost<T>(DeviceMatrix<T> matrix, string parameter, Func<HostMatrix<T>, OperationReport> factor, bool readOnly = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(matrix, parameter);
        ThrowIfDisposed();
        DataGuard.Usable(this, matrix.Storage, parameter);
        long rows = matrix.Rows, columns = matrix.Columns;
        if (rows > int.MaxValue || columns > int.MaxValue || (Int128)rows * columns > Array.MaxLength)
        {
            throw new ArgumentException(
                $"{parameter} is {rows} x {columns}: {(Int128)rows * columns} elements, more than one array holds ({Array.MaxLength}); the factorizations work on matrices that fit one.",
                parameter);
        }

        DistributedArray<T> storage = matrix.Storage;
        if (storage.Layout.Parts.Count == 1 && storage.Part(0).HostArray is T[] own)
        {
            return factor(new HostMatrix<T>(own, (int)rows, (int)columns, Math.Max(1, (int)columns)));
        }

        var host = new HostMatrix<T>((int)rows, (int)columns);
        matrix.CopyToHost(host.Data);
        OperationReport report = factor(host);
        if (!readOnly)
        {
            matrix.CopyFromHost(host.Data);
        }

        return report;
    }
}
