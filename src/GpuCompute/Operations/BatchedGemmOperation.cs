using System.Numerics;
using GpuCompute.Cpu;
using GpuCompute.Data;
using GpuCompute.Devices;
using GpuCompute.Devices.Ilgpu;
using GpuCompute.Kernels.LinearAlgebra;
using GpuCompute.Matrices;
using ILGPU;

namespace GpuCompute.Operations;

/// <summary>
/// C_i ← α·A_i·B_i + β·C_i for every matrix of three batches split alike (arguments validated by the engine): each
/// device multiplies the matrices it holds, without moving data.
/// </summary>
internal static class BatchedGemmOperation
{
    public static void Run<T>(T alpha, DeviceMatrixBatch<T> a, DeviceMatrixBatch<T> b, T beta, DeviceMatrixBatch<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long m = c.Rows, n = c.Columns, k = a.Columns;
        if (m == 0 || n == 0)
        {
            return;
        }

        PartExecution.Run(c.Layout, "batched GEMM", p =>
        {
            DeviceMemory<T> aPart = a.Storage.Part(p), bPart = b.Storage.Part(p), cPart = c.Storage.Part(p);
            long count = c.Layout.Parts[p].Count;
            switch (cPart)
            {
                case HostMemory<T> hostC:
                    Cpu(alpha, ((HostMemory<T>)aPart).Array, ((HostMemory<T>)bPart).Array, beta, hostC.Array, (int)count, (int)m, (int)n, (int)k, ((CpuDevice)cPart.Device.DataDevice).Threads);
                    break;
                case AcceleratorMemory<T> gpuC:
                    Ilgpu(gpuC.Owner, aPart.View, bPart.View, gpuC.View, new BatchedGemmArguments<T>(count, m, n, k, alpha, beta));
                    break;
                default:
                    throw new NotSupportedException($"Device {cPart.Device.Id} cannot run batched GEMM on its data.");
            }
        });
    }

    /// <summary>The CPU path: small matrices (m·n·k up to <see cref="CpuBatchedGemm.DirectLimit"/>) go to the
    /// register-blocked <see cref="CpuBatchedGemm"/> kernels, which work in place with no per-call setup. Larger ones
    /// are <see cref="HostMatrix{T}"/> views into the part's memory (no copy) multiplied by <see cref="CpuGemm"/>,
    /// whose packing pays at that size; matrices run in parallel over the device's threads, one thread each (more when
    /// there are fewer matrices than threads).</summary>
    private static void Cpu<T>(T alpha, T[] a, T[] b, T beta, T[] c, int count, int m, int n, int k, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if ((typeof(T) == typeof(float) || typeof(T) == typeof(double)) && (long)m * n * k <= CpuBatchedGemm.DirectLimit)
        {
            CpuBatchedGemm.Multiply(alpha, a, b, beta, c, count, m, n, k, threads);
            return;
        }

        int threadsPerMatrix = Math.Max(1, threads / Math.Max(1, count));
        int sizeA = m * k, sizeB = k * n, sizeC = m * n;
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = threads }, i =>
        {
            var ai = new HostMatrix<T>(a, m, k, Math.Max(1, k), i * sizeA);
            var bi = new HostMatrix<T>(b, k, n, Math.Max(1, n), i * sizeB);
            var ci = new HostMatrix<T>(c, m, n, Math.Max(1, n), i * sizeC);
            CpuGemm.Multiply(alpha, ai, Transpose.None, bi, Transpose.None, beta, ci, threadsPerMatrix);
        });
    }

    /// <summary>The ILGPU path: one thread per element of C (see <see cref="BatchedGemmKernel"/>).</summary>
    private static void Ilgpu<T>(IlgpuDevice gpu, ArrayView<T> a, ArrayView<T> b, ArrayView<T> c, BatchedGemmArguments<T> args)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long total = args.Count * args.M * args.N;
        lock (gpu.Gate)
        {
            var kernel = LinearAlgebraKernels.LoadBatchedGemm<T>(gpu);
            int group = LinearAlgebraKernels.GroupSize(gpu.Accelerator);
            long perLaunch = (long)LinearAlgebraKernels.MaxGroupsPerLaunch / group * group;
            for (long done = 0; done < total; done += perLaunch)
            {
                long threads = Math.Min(perLaunch, total - done);
                kernel(new KernelConfig((int)((threads + group - 1) / group), group), a, b, c, args, done);
            }

            gpu.Accelerator.Synchronize();
        }
    }
}
