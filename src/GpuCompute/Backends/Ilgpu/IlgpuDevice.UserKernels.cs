using GpuCompute.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuCompute.Backends.Ilgpu;

/// <summary>User kernels on the device, through the entry points in <see cref="UserKernelEntryPoints"/>, compiled once per
/// kernel type and device.</summary>
public sealed partial class IlgpuDevice
{
    internal override void Run1D<TKernel>(TKernel kernel, long first, long count)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            var launch = kernels.Get((typeof(TKernel), 1), a => a.LoadAutoGroupedStreamKernel<Index1D, TKernel, long>(UserKernelEntryPoints.Run1D));
            IlgpuLaunch.InPieces(count, (done, n) => launch(n, kernel, first + done));
            accelerator.Synchronize();
        }
    }

    internal override void Run2D<TKernel>(TKernel kernel, long firstRow, long rows, long columns)
    {
        if (columns > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(columns), $"A 2-D range on {Id} has at most {int.MaxValue} columns; got {columns}.");
        }

        lock (gate)
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            var launch = kernels.Get((typeof(TKernel), 2), a => a.LoadAutoGroupedStreamKernel<Index2D, TKernel, long>(UserKernelEntryPoints.Run2D));
            long rowsPerLaunch = Math.Max(1, Math.Min(int.MaxValue, IlgpuLaunch.MaxPerLaunch / Math.Max(1, columns)));
            IlgpuLaunch.InPieces(rows, (done, n) => launch(new Index2D((int)columns, n), kernel, firstRow + done), piece: rowsPerLaunch);
            accelerator.Synchronize();
        }
    }

    internal override void RunGrouped1D<TKernel>(TKernel kernel, long first, long count, int groupSize)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            if (groupSize > accelerator.MaxNumThreadsPerGroup)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(groupSize), $"Groups of {groupSize} threads are larger than {Id} allows ({accelerator.MaxNumThreadsPerGroup}).");
            }

            var launch = kernels.Get((typeof(TKernel), 3), a => a.LoadStreamKernel<TKernel, long, long>(UserKernelEntryPoints.RunGrouped1D));
            IlgpuLaunch.InPieces(
                count,
                (done, n) => launch(new KernelConfig((n + groupSize - 1) / groupSize, groupSize), kernel, first + done, n),
                multiple: groupSize);
            accelerator.Synchronize();
        }
    }
}
