using System.Numerics;
using System.Reflection;
using GpuCompute.Devices.Ilgpu;
using GpuCompute.Kernels.LinearAlgebra;
using ILGPU;
using ILGPU.Runtime;

namespace GpuCompute.Operations;

/// <summary>
/// The linear-algebra kernels' closed entry points (for loading and for offline compilation) and their loading on an
/// ILGPU device, once per device and element type.
/// </summary>
internal static class LinearAlgebraKernels
{
    /// <summary>ILGPU's launch dimensions are 32-bit: longer launches are split into pieces of at most this many groups.</summary>
    public const int MaxGroupsPerLaunch = 1 << 30;

    /// <summary>The GEMV entry point for <typeparamref name="T"/>.</summary>
    public static MethodInfo Gemv<T>()
        where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float)
            ? ((Action<ArrayView<float>, ArrayView<float>, ArrayView<float>, GemvArguments<float>>)GemvKernel.Gemv<float, FloatLinearAlgebraScalar>).Method
            : typeof(T) == typeof(double)
                ? ((Action<ArrayView<double>, ArrayView<double>, ArrayView<double>, GemvArguments<double>>)GemvKernel.Gemv<double, DoubleLinearAlgebraScalar>).Method
                : throw Unsupported<T>();

    /// <summary>The block-transpose entry point for <typeparamref name="T"/>.</summary>
    public static MethodInfo Transpose<T>()
        where T : unmanaged =>
        ((Action<ArrayView<T>, ArrayView<T>, TransposeArguments, long>)TransposeKernel.Transpose<T>).Method;

    /// <summary>The batched-GEMM entry point for <typeparamref name="T"/>.</summary>
    public static MethodInfo BatchedGemm<T>()
        where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float)
            ? ((Action<ArrayView<float>, ArrayView<float>, ArrayView<float>, BatchedGemmArguments<float>, long>)BatchedGemmKernel.Gemm<float, FloatLinearAlgebraScalar>).Method
            : typeof(T) == typeof(double)
                ? ((Action<ArrayView<double>, ArrayView<double>, ArrayView<double>, BatchedGemmArguments<double>, long>)BatchedGemmKernel.Gemm<double, DoubleLinearAlgebraScalar>).Method
                : throw Unsupported<T>();

    /// <summary>The GEMV kernel loaded on <paramref name="gpu"/>. Call under the device's gate.</summary>
    public static Action<KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<T>, GemvArguments<T>> LoadGemv<T>(IlgpuDevice gpu)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        gpu.Kernel((typeof(GemvKernel), "gemv", typeof(T)), acc => acc.LoadStreamKernel(
            Gemv<T>().CreateDelegate<Action<ArrayView<T>, ArrayView<T>, ArrayView<T>, GemvArguments<T>>>()));

    /// <summary>The block-transpose kernel loaded on <paramref name="gpu"/>. Call under the device's gate.</summary>
    public static Action<KernelConfig, ArrayView<T>, ArrayView<T>, TransposeArguments, long> LoadTranspose<T>(IlgpuDevice gpu)
        where T : unmanaged =>
        gpu.Kernel((typeof(TransposeKernel), "transpose", typeof(T)), acc => acc.LoadStreamKernel(
            Transpose<T>().CreateDelegate<Action<ArrayView<T>, ArrayView<T>, TransposeArguments, long>>()));

    /// <summary>The batched-GEMM kernel loaded on <paramref name="gpu"/>. Call under the device's gate.</summary>
    public static Action<KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<T>, BatchedGemmArguments<T>, long> LoadBatchedGemm<T>(IlgpuDevice gpu)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        gpu.Kernel((typeof(BatchedGemmKernel), "gemm-batched", typeof(T)), acc => acc.LoadStreamKernel(
            BatchedGemm<T>().CreateDelegate<Action<ArrayView<T>, ArrayView<T>, ArrayView<T>, BatchedGemmArguments<T>, long>>()));

    /// <summary>The group size for the linear-algebra kernels on <paramref name="accelerator"/>: the largest power of
    /// two not above 256 or the device's limit (16 on the emulator).</summary>
    public static int GroupSize(Accelerator accelerator)
    {
        int limit = Math.Min(GemvKernel.MaxGroupSize, accelerator.MaxNumThreadsPerGroup);
        return 1 << BitOperations.Log2((uint)Math.Max(1, limit));
    }

    private static NotSupportedException Unsupported<T>() =>
        new($"The linear-algebra kernels exist for float and double, not {typeof(T).Name}.");
}
