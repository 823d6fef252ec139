using GpuCompute.Kernels.Intrinsics;
using ILGPU.Algorithms;

namespace GpuCompute.Kernels.LinearAlgebra;

/// <summary>Double-precision arithmetic for the linear-algebra kernels.</summary>
internal readonly struct DoubleLinearAlgebraScalar : ILinearAlgebraScalar<double>
{
    /// <inheritdoc/>
    /// <remarks>One fused <c>fma.rn</c> on CUDA (see <see cref="KernelMath"/>); a·b + c elsewhere.</remarks>
    public double MultiplyAdd(double a, double b, double c) => KernelMath.MultiplyAdd(a, b, c);

    /// <inheritdoc/>
    public double Multiply(double a, double b) => a * b;

    /// <inheritdoc/>
    public double Add(double a, double b) => a + b;

    /// <inheritdoc/>
    public bool IsZero(double value) => value == 0d;

    /// <inheritdoc/>
    public double Subtract(double a, double b) => a - b;

    /// <inheritdoc/>
    public double SubtractProduct(double c, double a, double b) => KernelMath.MultiplyAdd(-a, b, c);

    /// <inheritdoc/>
    public double Divide(double a, double b) => a / b;

    /// <inheritdoc/>
    public double Sqrt(double a) => XMath.Sqrt(a);

    /// <inheritdoc/>
    public bool IsPositive(double value) => value > 0d;

    /// <inheritdoc/>
    public bool IsNegative(double value) => value < 0d;

    /// <inheritdoc/>
    public bool IsGreater(double a, double b) => a > b;

    /// <inheritdoc/>
    public bool IsNaN(double value) => XMath.IsNaN(value);

    /// <inheritdoc/>
    public double Abs(double a) => XMath.Abs(a);

    /// <inheritdoc/>
    public double One() => 1d;
}
