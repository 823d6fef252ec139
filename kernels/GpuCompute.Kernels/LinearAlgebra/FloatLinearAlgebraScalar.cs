using GpuCompute.Kernels.Intrinsics;
using ILGPU.Algorithms;

namespace GpuCompute.Kernels.LinearAlgebra;

/// <summary>Single-precision arithmetic for the linear-algebra kernels.</summary>
internal readonly struct FloatLinearAlgebraScalar : ILinearAlgebraScalar<float>
{
    /// <inheritdoc/>
    /// <remarks>One fused <c>fma.rn</c> on CUDA (see <see cref="KernelMath"/>); a·b + c elsewhere.</remarks>
    public float MultiplyAdd(float a, float b, float c) => KernelMath.MultiplyAdd(a, b, c);

    /// <inheritdoc/>
    public float Multiply(float a, float b) => a * b;

    /// <inheritdoc/>
    public float Add(float a, float b) => a + b;

    /// <inheritdoc/>
    public bool IsZero(float value) => value == 0f;

    /// <inheritdoc/>
    public float Subtract(float a, float b) => a - b;

    /// <inheritdoc/>
    public float SubtractProduct(float c, float a, float b) => KernelMath.MultiplyAdd(-a, b, c);

    /// <inheritdoc/>
    public float Divide(float a, float b) => a / b;

    /// <inheritdoc/>
    public float Sqrt(float a) => XMath.Sqrt(a);

    /// <inheritdoc/>
    public bool IsPositive(float value) => value > 0f;

    /// <inheritdoc/>
    public bool IsNegative(float value) => value < 0f;

    /// <inheritdoc/>
    public bool IsGreater(float a, float b) => a > b;

    /// <inheritdoc/>
    public bool IsNaN(float value) => XMath.IsNaN(value);

    /// <inheritdoc/>
    public float Abs(float a) => XMath.Abs(a);

    /// <inheritdoc/>
    public float One() => 1f;
}
