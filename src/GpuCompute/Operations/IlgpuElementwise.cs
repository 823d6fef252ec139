using GpuCompute.Devices.Ilgpu;
using GpuCompute.Kernels.Elementwise;
using ILGPU;
using ILGPU.Runtime;

namespace GpuCompute.Operations;

/// <summary>
/// Element-wise operations on an ILGPU device part: <see cref="ElementwiseKernels"/>, compiled once per device, element
/// type and operator, launched in pieces of at most 2³⁰ elements under the device's lock.
/// </summary>
internal static class IlgpuElementwise
{
    /// <summary>ILGPU's launch dimensions are 32-bit: longer parts go in launches of at most this many elements.</summary>
    private const long MaxLaunch = 1L << 30;

    public static void Map<T, TOperator>(IlgpuDevice gpu, ArrayView<T> x, ArrayView<T> result, TOperator op)
        where T : unmanaged
        where TOperator : struct, IUnaryOperator<T>
    {
        lock (gpu.Gate)
        {
            var launch = gpu.Kernel(
                (typeof(ElementwiseKernels), "map", typeof(T), typeof(TOperator)),
                a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, TOperator>(ElementwiseKernels.Map));
            for (long done = 0; done < result.Length; done += MaxLaunch)
            {
                long n = Math.Min(MaxLaunch, result.Length - done);
                launch((int)n, x.SubView(done, n), result.SubView(done, n), op);
            }

            gpu.Accelerator.Synchronize();
        }
    }

    public static void Zip<T, TOperator>(IlgpuDevice gpu, ArrayView<T> x, ArrayView<T> y, ArrayView<T> result, TOperator op)
        where T : unmanaged
        where TOperator : struct, IBinaryOperator<T>
    {
        lock (gpu.Gate)
        {
            var launch = gpu.Kernel(
                (typeof(ElementwiseKernels), "zip", typeof(T), typeof(TOperator)),
                a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, TOperator>(ElementwiseKernels.Zip));
            for (long done = 0; done < result.Length; done += MaxLaunch)
            {
                long n = Math.Min(MaxLaunch, result.Length - done);
                launch((int)n, x.SubView(done, n), y.SubView(done, n), result.SubView(done, n), op);
            }

            gpu.Accelerator.Synchronize();
        }
    }

    public static void Zip<T, TOperator>(IlgpuDevice gpu, ArrayView<T> x, ArrayView<T> y, ArrayView<T> z, ArrayView<T> result, TOperator op)
        where T : unmanaged
        where TOperator : struct, ITernaryOperator<T>
    {
        lock (gpu.Gate)
        {
            var launch = gpu.Kernel(
                (typeof(ElementwiseKernels), "zip3", typeof(T), typeof(TOperator)),
                a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, TOperator>(ElementwiseKernels.Zip3));
            for (long done = 0; done < result.Length; done += MaxLaunch)
            {
                long n = Math.Min(MaxLaunch, result.Length - done);
                launch((int)n, x.SubView(done, n), y.SubView(done, n), z.SubView(done, n), result.SubView(done, n), op);
            }

            gpu.Accelerator.Synchronize();
        }
    }

    public static void Fill<T>(IlgpuDevice gpu, T value, ArrayView<T> result)
        where T : unmanaged
    {
        lock (gpu.Gate)
        {
            var launch = gpu.Kernel(
                (typeof(ElementwiseKernels), "fill", typeof(T)),
                a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, T>(ElementwiseKernels.Fill));
            for (long done = 0; done < result.Length; done += MaxLaunch)
            {
                long n = Math.Min(MaxLaunch, result.Length - done);
                launch((int)n, result.SubView(done, n), value);
            }

            gpu.Accelerator.Synchronize();
        }
    }
}
