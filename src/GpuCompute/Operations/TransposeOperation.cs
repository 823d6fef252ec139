using GpuCompute.Backends;
using GpuCompute.Data;
using GpuCompute.Kernels.LinearAlgebra;
using GpuCompute.Matrices;
using GpuCompute.Scheduling;

namespace GpuCompute.Operations;

/// <summary>
/// result ← Aᵀ on device-resident data (arguments validated by the engine), as a grid of block transposes: for every
/// part of result (device e, rows [c0, c1), i.e. columns c0..c1 of A) and every part of A (device d, rows [r0, r1)),
/// result[c0:c1, r0:r1] ← A[r0:r1, c0:c1]ᵀ.
/// </summary>
/// <remarks>
/// Data movement: when d = e the block is transposed in place on the device. Otherwise A's part is read through the
/// host: a part in host memory directly, a part in device memory copied to the host once (whole part rows), and device
/// e transposes the block from that image (an ILGPU device through a temporary copy of just the block). Each device's
/// result part is written only by that device.
/// </remarks>
internal static class TransposeOperation
{
    /// <summary>Throws unless result is a separate n × m matrix for an m × n A, both of this engine and alive.</summary>
    public static void Check<T>(ComputeEngine engine, DeviceMatrix<T> a, DeviceMatrix<T> result)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        engine.ThrowIfDisposed();
        ScalarType.EnsureSupported<T>();
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(result);
        DataGuard.Usable(engine, a.Storage, nameof(a));
        DataGuard.Usable(engine, result.Storage, nameof(result));
        if (ReferenceEquals(a.Storage, result.Storage))
        {
            throw new ArgumentException("Cannot transpose a matrix into itself: give result as a separate n x m matrix.", nameof(result));
        }

        if (result.Rows != a.Columns || result.Columns != a.Rows)
        {
            throw new ArgumentException(
                $"result is {result.Rows} x {result.Columns}, but the transpose of a {a.Rows} x {a.Columns} matrix is {a.Columns} x {a.Rows}.", nameof(result));
        }

    }

    public static OperationReport Run<T>(DeviceMatrix<T> a, DeviceMatrix<T> result)
        where T : unmanaged
    {
        DataLayout sourceRows = a.Layout, resultRows = result.Layout;
        if (sourceRows.Parts.Count == 0 || resultRows.Parts.Count == 0)
        {
            return PartExecution.Nothing(resultRows, "transpose");
        }

        long m = a.Rows, n = a.Columns;

        // Host images of A's parts for the devices that do not hold them (host memory is read in place).
        var host = new T[]?[sourceRows.Parts.Count];
        OperationReport staging = PartExecution.Run(sourceRows, "transpose (staging A through the host)", d =>
        {
            DeviceBuffer<T> part = a.Storage.Part(d);
            if (resultRows.Parts.Any(e => e.Device != sourceRows.Parts[d].Device))
            {
                host[d] = part.HostArray ?? StageToHost(part);
            }
        });

        return staging.Then(PartExecution.Run(resultRows, "transpose", e =>
        {
            LayoutPart target = resultRows.Parts[e];
            DeviceBuffer<T> destination = result.Storage.Part(e);
            long c0 = target.First, columns = target.Count;
            for (int d = 0; d < sourceRows.Parts.Count; d++)
            {
                LayoutPart source = sourceRows.Parts[d];
                var block = new TransposeArguments(source.Count, columns, c0, n, source.First, m, 0);
                if (source.Device == target.Device)
                {
                    target.Device.Transpose(a.Storage.Part(d), destination, block);
                }
                else
                {
                    target.Device.TransposeFromHost(host[d]!, destination, block);
                }
            }
        },
        e => resultRows.DescribePart(e, "rows", "result")));
    }

    private static T[] StageToHost<T>(DeviceBuffer<T> part)
        where T : unmanaged
    {
        var image = new T[part.Length];
        part.CopyToHost(0, image);
        return image;
    }
}
