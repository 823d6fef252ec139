using GpuCompute.Kernels.Intrinsics;

namespace GpuCompute.Kernels.Gemm;

/// <summary>Single-precision arithmetic for the GEMM kernel.</summary>
internal readonly struct FloatScalar : IKernelScalar<float>
{
    /// <inheritdoc/>
    /// <remarks>One fused <c>fma.rn</c> on CUDA (see <see cref="KernelMath"/>); a·b + c elsewhere.</remarks>
    public float MultiplyAdd(float a, float b, float c) => KernelMath.MultiplyAdd(a, b, c);

    /// <inheritdoc/>
    public float Multiply(float a, float b) => a * b;

    /// <inheritdoc/>
    public bool IsZero(float value) => value == 0f;
}
