using System.Numerics;
using System.Runtime.CompilerServices;
using GpuCompute.Backends;
using GpuCompute.Data;
using GpuCompute.Matrices;
using GpuCompute.Scheduling;

namespace GpuCompute.Operations;

/// <summary>
/// y ← α·A·x + β·y on device-resident data (arguments validated by the engine): each device computes the elements of
/// y for its rows of A. A device that does not hold x whole gets a copy of it, made from wherever x lives and freed
/// afterwards.
/// </summary>
internal static class GemvOperation
{
    /// <summary>Throws unless the operands fit: A m × n, x of n elements (any layout), y of m elements split like A's
    /// rows, y distinct from x and A, all of this engine and alive.</summary>
    public static void Check<T>(ComputeEngine engine, DeviceMatrix<T> a, DeviceVector<T> x, DeviceVector<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        engine.ThrowIfDisposed();
        ScalarType.EnsureSupported<T>();
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        DataGuard.Usable(engine, a.Storage, nameof(a));
        DataGuard.Usable(engine, x.Storage, nameof(x));
        DataGuard.Usable(engine, y.Storage, nameof(y));
        if (x.Length != a.Columns)
        {
            throw new ArgumentException($"x has {x.Length} elements but A is {a.Rows} x {a.Columns}, so it needs {a.Columns}.", nameof(x));
        }

        if (y.Length != a.Rows)
        {
            throw new ArgumentException($"y has {y.Length} elements but A is {a.Rows} x {a.Columns}, so it needs {a.Rows}.", nameof(y));
        }

        if (!y.Layout.Parts.SequenceEqual(a.Layout.Parts))
        {
            throw new ArgumentException(
                $"y is split across devices differently from A's rows (y: {y.Layout}; A's rows: {a.Layout}): allocate y with a.Layout.", nameof(y));
        }

        if (ReferenceEquals(y.Storage, x.Storage) || ReferenceEquals(y.Storage, a.Storage))
        {
            throw new ArgumentException("y must not share memory with x or A: GEMV reads them while it writes y.", nameof(y));
        }

    }

    public static OperationReport Run<T>(T alpha, DeviceMatrix<T> a, DeviceVector<T> x, T beta, DeviceVector<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        DataLayout rows = a.Layout;
        return PartExecution.Run(
            rows,
            "GEMV",
            (p, _) =>
            {
                ComputeDevice device = rows.Parts[p].Device;
                using Borrowed<T> xs = x.Storage.Whole(device);
                device.Gemv(alpha, a.Storage.Part(p), a.Columns, xs.Buffer, beta, y.Storage.Part(p));
            },
            p => rows.DescribePart(p, "elements", "y"),
            p => (2.0 * rows.Parts[p].Count * a.Columns, (double)x.Layout.Parts.Where(q => q.Device != rows.Parts[p].Device).Sum(q => q.Count) * Unsafe.SizeOf<T>()));
    }
}
