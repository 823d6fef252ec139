using GpuCompute.Devices;
using GpuCompute.Devices.Ilgpu;
using GpuCompute.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuCompute.UserKernels;

/// <summary>
/// Runs a bound user kernel over one device's sub-range: on the CPU device as plain C# (the JIT specializes the loop for
/// the kernel struct and inlines <c>Execute</c>) across its threads; on an ILGPU device through the entry points in
/// <see cref="UserKernelEntryPoints"/>, compiled once per kernel type and device.
/// </summary>
internal static class UserKernelRunner
{
    /// <summary>Fewest indices per CPU work item (each costs about a microsecond to schedule).</summary>
    private const long MinCpuChunk = 2048;

    /// <summary>Work items per CPU thread: enough to balance uneven kernels (Mandelbrot rows differ a lot in cost).</summary>
    private const int CpuChunksPerThread = 16;

    /// <summary>ILGPU's launch dimensions are 32-bit: longer sub-ranges go in launches of at most this many indices.</summary>
    private const long MaxLaunch = 1L << 30;

    public static void Run1D<TKernel>(ComputeDevice device, TKernel kernel, long first, long count)
        where TKernel : struct, IKernel1D
    {
        switch (device.DataDevice)
        {
            case CpuDevice cpu:
                long chunk = Math.Max(MinCpuChunk, count / (cpu.Threads * CpuChunksPerThread));
                long chunks = (count + chunk - 1) / chunk;
                Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = cpu.Threads }, c =>
                {
                    TKernel local = kernel; // a copy on this thread's stack: its fields stay out of the shared closure
                    long end = Math.Min(first + count, first + ((c + 1) * chunk));
                    for (long i = first + (c * chunk); i < end; i++)
                    {
                        local.Execute(i);
                    }
                });
                break;
            case IlgpuDevice gpu:
                lock (gpu.Gate)
                {
                    var launch = gpu.Kernel((typeof(TKernel), 1), a => a.LoadAutoGroupedStreamKernel<Index1D, TKernel, long>(UserKernelEntryPoints.Run1D));
                    for (long done = 0; done < count; done += MaxLaunch)
                    {
                        launch((int)Math.Min(MaxLaunch, count - done), kernel, first + done);
                    }

                    gpu.Accelerator.Synchronize();
                }

                break;
            default:
                throw new NotSupportedException($"Device {device.Id} cannot run user kernels.");
        }
    }

    public static void Run2D<TKernel>(ComputeDevice device, TKernel kernel, long firstRow, long rows, long columns)
        where TKernel : struct, IKernel2D
    {
        switch (device.DataDevice)
        {
            case CpuDevice cpu:
                // Rows are the work items: each is a contiguous run of columns.
                Parallel.For(firstRow, firstRow + rows, new ParallelOptions { MaxDegreeOfParallelism = cpu.Threads }, row =>
                {
                    TKernel local = kernel;
                    for (long column = 0; column < columns; column++)
                    {
                        local.Execute(row, column);
                    }
                });
                break;
            case IlgpuDevice gpu:
                if (columns > int.MaxValue)
                {
                    throw new ArgumentOutOfRangeException(nameof(columns), $"A 2-D range on {device.Id} has at most {int.MaxValue} columns; got {columns}.");
                }

                lock (gpu.Gate)
                {
                    var launch = gpu.Kernel((typeof(TKernel), 2), a => a.LoadAutoGroupedStreamKernel<Index2D, TKernel, long>(UserKernelEntryPoints.Run2D));
                    long rowsPerLaunch = Math.Max(1, Math.Min(int.MaxValue, MaxLaunch / Math.Max(1, columns)));
                    for (long done = 0; done < rows; done += rowsPerLaunch)
                    {
                        launch(new Index2D((int)columns, (int)Math.Min(rowsPerLaunch, rows - done)), kernel, firstRow + done);
                    }

                    gpu.Accelerator.Synchronize();
                }

                break;
            default:
                throw new NotSupportedException($"Device {device.Id} cannot run user kernels.");
        }
    }

    public static void RunGrouped1D<TKernel>(ComputeDevice device, TKernel kernel, long first, long count, int groupSize)
        where TKernel : struct, IGroupKernel1D
    {
        if (device.DataDevice is not IlgpuDevice gpu)
        {
            throw new ArgumentException(
                $"The kernel uses group intrinsics, which only ILGPU devices (GPUs, ilgpu-cpu) run; its range has a part on {device.Id}. Use a layout without it.");
        }

        lock (gpu.Gate)
        {
            if (groupSize > gpu.Accelerator.MaxNumThreadsPerGroup)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(groupSize), $"Groups of {groupSize} threads are larger than {device.Id} allows ({gpu.Accelerator.MaxNumThreadsPerGroup}).");
            }

            var launch = gpu.Kernel((typeof(TKernel), 3), a => a.LoadStreamKernel<TKernel, long, long>(UserKernelEntryPoints.RunGrouped1D));
            long perLaunch = MaxLaunch / groupSize * groupSize;
            for (long done = 0; done < count; done += perLaunch)
            {
                long n = Math.Min(perLaunch, count - done);
                launch(new KernelConfig((int)((n + groupSize - 1) / groupSize), groupSize), kernel, first + done, n);
            }

            gpu.Accelerator.Synchronize();
        }
    }
}
