using System.Numerics;
using GpuCompute.Backends;
using GpuCompute.Data;

namespace GpuCompute.Operations;

/// <summary>
/// y ← α·A·x + β·y on device-resident data (arguments validated by the engine): each device computes the elements of
/// y for its rows of A. A device that does not hold x whole gets a copy of it, made from wherever x lives and freed
/// afterwards.
/// </summary>
internal static class GemvOperation
{
    public static void Run<T>(T alpha, DeviceMatrix<T> a, DeviceVector<T> x, T beta, DeviceVector<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        DataLayout rows = a.Layout;
        if (rows.Parts.Count == 0)
        {
            return;
        }

        PartExecution.Run(rows, "GEMV", p =>
        {
            ComputeDevice device = rows.Parts[p].Device;
            using Borrowed<T> xs = x.Storage.Whole(device);
            device.Gemv(alpha, a.Storage.Part(p), a.Columns, xs.Buffer, beta, y.Storage.Part(p));
        },
        p => rows.DescribePart(p, "elements", "y"));
    }
}
