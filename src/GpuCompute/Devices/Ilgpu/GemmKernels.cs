using System.Numerics;
using System.Reflection;
using GpuCompute.Kernels.Gemm;
using ILGPU;

namespace GpuCompute.Devices.Ilgpu;

/// <summary>The closed GEMM kernel entry points, by precision and blocking, for offline compilation and listing.</summary>
internal static class GemmKernels
{
    /// <summary>The <see cref="GemmKernel.Gemm{T, TScalar, TConfig}"/> instance for <typeparamref name="T"/>.</summary>
    public static MethodInfo EntryPoint<T, TConfig>()
        where T : unmanaged, IFloatingPointIeee754<T>
        where TConfig : struct, IGemmTileConfig
    {
        if (typeof(T) == typeof(float))
        {
            return ((Action<ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmArguments<float>>)
                GemmKernel.Gemm<float, FloatScalar, TConfig>).Method;
        }

        if (typeof(T) == typeof(double))
        {
            return ((Action<ArrayView<double>, ArrayView<double>, ArrayView<double>, GemmArguments<double>>)
                GemmKernel.Gemm<double, DoubleScalar, TConfig>).Method;
        }

        throw new NotSupportedException($"The GEMM kernel exists for float and double, not {typeof(T).Name}.");
    }
}
