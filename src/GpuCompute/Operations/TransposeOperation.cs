using GpuCompute.Cpu;
using GpuCompute.Data;
using GpuCompute.Devices;
using GpuCompute.Devices.Ilgpu;
using GpuCompute.Kernels.LinearAlgebra;
using ILGPU;

namespace GpuCompute.Operations;

/// <summary>
/// result ← Aᵀ on device-resident data (arguments validated by the engine), as a grid of block transposes: for every
/// part of result (device e, rows [c0, c1), i.e. columns c0..c1 of A) and every part of A (device d, rows [r0, r1)),
/// result[c0:c1, r0:r1] ← A[r0:r1, c0:c1]ᵀ.
/// </summary>
/// <remarks>
/// Data movement: when d = e the block is transposed in place on the device. Otherwise A's part is read through the
/// host: a part on the CPU device directly from its memory, a part on an ILGPU device copied to the host once
/// (whole part rows), and the block is then transposed by the CPU device from there, or packed on the host, copied to
/// a temporary on device e and transposed there. Each device's result part is written only by that device.
/// </remarks>
internal static class TransposeOperation
{
    public static void Run<T>(DeviceMatrix<T> a, DeviceMatrix<T> result)
        where T : unmanaged
    {
        DataLayout sourceRows = a.Layout, resultRows = result.Layout;
        if (sourceRows.Parts.Count == 0 || resultRows.Parts.Count == 0)
        {
            return;
        }

        long m = a.Rows, n = a.Columns;

        // Host images of A's parts for the devices that do not hold them (CPU memory is read in place).
        var host = new T[]?[sourceRows.Parts.Count];
        PartExecution.Run(sourceRows, "transpose (staging A through the host)", d =>
        {
            DeviceMemory<T> part = a.Storage.Part(d);
            if (part is HostMemory<T> cpu)
            {
                host[d] = cpu.Array;
            }
            else if (resultRows.Parts.Any(e => e.Device != sourceRows.Parts[d].Device))
            {
                host[d] = new T[part.Length];
                part.CopyToHost(0, host[d]);
            }
        });

        PartExecution.Run(resultRows, "transpose", e =>
        {
            LayoutPart target = resultRows.Parts[e];
            DeviceMemory<T> destination = result.Storage.Part(e);
            long c0 = target.First, columns = target.Count;
            for (int d = 0; d < sourceRows.Parts.Count; d++)
            {
                LayoutPart source = sourceRows.Parts[d];
                var block = new TransposeArguments(source.Count, columns, c0, n, source.First, m, 0);
                if (source.Device == target.Device)
                {
                    Block(a.Storage.Part(d), destination, block);
                }
                else if (destination is HostMemory<T> cpuDestination)
                {
                    Cpu(host[d]!, cpuDestination.Array, block, ((CpuDevice)target.Device.DataDevice).Threads);
                }
                else
                {
                    Staged(host[d]!, destination, target.Device, block);
                }
            }
        });
    }

    /// <summary>Transposes a block between two memories of the same device.</summary>
    private static void Block<T>(DeviceMemory<T> source, DeviceMemory<T> destination, TransposeArguments block)
        where T : unmanaged
    {
        switch (destination)
        {
            case HostMemory<T> cpu:
                Cpu(((HostMemory<T>)source).Array, cpu.Array, block, ((CpuDevice)cpu.Device.DataDevice).Threads);
                break;
            case AcceleratorMemory<T> gpu:
                Ilgpu(gpu.Owner, source.View, gpu.View, block);
                break;
            default:
                throw new NotSupportedException($"Device {destination.Device.Id} cannot transpose its data.");
        }
    }

    /// <summary>Packs the block from a host image of A's part, copies it to a temporary on the destination's device
    /// and transposes it there.</summary>
    private static void Staged<T>(T[] source, DeviceMemory<T> destination, ComputeDevice device, TransposeArguments block)
        where T : unmanaged
    {
        long rows = block.Rows, columns = block.Columns;
        if (rows == 0 || columns == 0)
        {
            return;
        }

        var packed = new T[rows * columns];
        for (long i = 0; i < rows; i++)
        {
            source.AsSpan((int)(block.SourceOffset + (i * block.SourceStride)), (int)columns).CopyTo(packed.AsSpan((int)(i * columns)));
        }

        using DeviceMemory<T> temporary = device.DataDevice.Allocate<T>(packed.Length);
        temporary.CopyFromHost(packed, 0);
        Block(temporary, destination, new TransposeArguments(rows, columns, 0, columns, block.DestinationOffset, block.DestinationStride, 0));
    }

    /// <summary>The CPU path: <see cref="CpuTranspose"/> (register tiles with AVX-512, else blocked copies).</summary>
    private static void Cpu<T>(T[] source, T[] destination, TransposeArguments block, int threads)
        where T : unmanaged =>
        CpuTranspose.Run(source, block.SourceOffset, block.SourceStride, destination, block.DestinationOffset, block.DestinationStride, block.Rows, block.Columns, threads);

    /// <summary>The ILGPU path: the tiled <see cref="TransposeKernel"/>.</summary>
    private static void Ilgpu<T>(IlgpuDevice gpu, ArrayView<T> source, ArrayView<T> destination, TransposeArguments block)
        where T : unmanaged
    {
        if (block.Rows == 0 || block.Columns == 0)
        {
            return;
        }

        lock (gpu.Gate)
        {
            var kernel = LinearAlgebraKernels.LoadTranspose<T>(gpu);
            int threads = LinearAlgebraKernels.GroupSize(gpu.Accelerator);
            int side = Math.Min(TransposeKernel.MaxTile, threads);
            int passRows = Math.Max(1, threads / side);
            var args = new TransposeArguments(block.Rows, block.Columns, block.SourceOffset, block.SourceStride, block.DestinationOffset, block.DestinationStride, side);
            long tiles = TransposeKernel.GroupCount(block.Rows, block.Columns, side);
            for (long done = 0; done < tiles; done += LinearAlgebraKernels.MaxGroupsPerLaunch)
            {
                int groups = (int)Math.Min(LinearAlgebraKernels.MaxGroupsPerLaunch, tiles - done);
                kernel(new KernelConfig(new Index2D(groups, 1), new Index2D(side, passRows)), source, destination, args, done);
            }

            gpu.Accelerator.Synchronize();
        }
    }
}
