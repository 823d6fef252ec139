using System.Numerics;
using System.Runtime.CompilerServices;
using GpuCompute.Backends;
using GpuCompute.Data;
using GpuCompute.Scheduling;

namespace GpuCompute.Operations;

/// <summary>
/// y ← α·A·x + β·y on device-resident data (arguments validated by the engine): each device computes the elements of
/// y for its rows of A. A device that does not hold x whole gets a copy of it, made from wherever x lives and freed
/// afterwards.
/// </summary>
internal static class GemvOperation
{
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
