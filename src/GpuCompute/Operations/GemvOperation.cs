using System.Numerics;
using System.Numerics.Tensors;
using GpuCompute.Data;
using GpuCompute.Devices;
using GpuCompute.Devices.Ilgpu;
using GpuCompute.Kernels.LinearAlgebra;
using ILGPU;

namespace GpuCompute.Operations;

/// <summary>
/// y ← α·A·x + β·y on device-resident data (arguments validated by the engine): each device computes the elements of
/// y for its rows of A. A device that does not hold x whole gets a copy, staged through the host and freed afterwards.
/// </summary>
internal static class GemvOperation
{
    /// <summary>Elements of A per CPU work item: large enough to amortize scheduling, small enough to balance.</summary>
    private const long CpuChunkElements = 1 << 17;

    public static void Run<T>(T alpha, DeviceMatrix<T> a, DeviceVector<T> x, T beta, DeviceVector<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        DataLayout rows = a.Layout;
        if (rows.Parts.Count == 0)
        {
            return;
        }

        // x on one device is used in place there; every other device gets the host image (the CPU device reads it
        // directly, an ILGPU device through a temporary copy).
        ComputeDevice? xHome = x.Layout.Parts.Count == 1 ? x.Layout.Parts[0].Device : null;
        T[]? xHost = null;
        if (rows.Parts.Any(p => p.Device != xHome))
        {
            xHost = xHome is not null && x.Storage.Part(0) is HostMemory<T> hostX ? hostX.Array : x.ToArray();
        }

        PartExecution.Run(rows, "GEMV", p =>
        {
            DeviceMemory<T> aPart = a.Storage.Part(p), yPart = y.Storage.Part(p);
            ComputeDevice device = rows.Parts[p].Device;
            DeviceMemory<T>? xHere = device == xHome ? x.Storage.Part(0) : null;
            switch (aPart)
            {
                case HostMemory<T> hostA:
                    T[] xs = xHere is HostMemory<T> localX ? localX.Array : xHost!;
                    Cpu(alpha, hostA.Array, xs, (int)a.Columns, beta, ((HostMemory<T>)yPart).Array, ((CpuDevice)device.DataDevice).Threads);
                    break;
                case AcceleratorMemory<T> gpuA:
                    DeviceMemory<T>? temporary = null;
                    try
                    {
                        if (xHere is null)
                        {
                            temporary = device.DataDevice.Allocate<T>(a.Columns);
                            if (a.Columns > 0)
                            {
                                temporary.CopyFromHost(xHost, 0);
                            }
                        }

                        Ilgpu(gpuA.Owner, alpha, gpuA.View, (xHere ?? temporary!).View, a.Columns, beta, yPart.View);
                    }
                    finally
                    {
                        temporary?.Dispose();
                    }

                    break;
                default:
                    throw new NotSupportedException($"Device {device.Id} cannot run GEMV on its data.");
            }
        });
    }

    /// <summary>The CPU path: chunks of rows in parallel, each row one vectorized dot product (reads A once, at
    /// close to memory bandwidth for large matrices).</summary>
    private static void Cpu<T>(T alpha, T[] a, T[] x, int n, T beta, T[] y, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = y.Length;
        int rowsPerChunk = (int)Math.Clamp(CpuChunkElements / Math.Max(1, n), 1, Math.Max(1, m));
        int chunks = (m + rowsPerChunk - 1) / rowsPerChunk;
        bool readY = !T.IsZero(beta);
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, chunk =>
        {
            ReadOnlySpan<T> xs = x.AsSpan(0, n);
            int end = Math.Min(m, (chunk + 1) * rowsPerChunk);
            for (int i = chunk * rowsPerChunk; i < end; i++)
            {
                T dot = alpha * TensorPrimitives.Dot(a.AsSpan((int)((long)i * n), n), xs);
                y[i] = readY ? dot + (beta * y[i]) : dot;
            }
        });
    }

    /// <summary>The ILGPU path: one group per row (see <see cref="GemvKernel"/>).</summary>
    private static void Ilgpu<T>(IlgpuDevice gpu, T alpha, ArrayView<T> a, ArrayView<T> x, long n, T beta, ArrayView<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long m = y.Length;
        lock (gpu.Gate)
        {
            var kernel = LinearAlgebraKernels.LoadGemv<T>(gpu);
            int group = LinearAlgebraKernels.GroupSize(gpu.Accelerator);
            for (long done = 0; done < m; done += LinearAlgebraKernels.MaxGroupsPerLaunch)
            {
                int groups = (int)Math.Min(LinearAlgebraKernels.MaxGroupsPerLaunch, m - done);
                kernel(new KernelConfig(groups, group), a, x, y, new GemvArguments<T>(done, n, alpha, beta));
            }

            gpu.Accelerator.Synchronize();
        }
    }
}
