using GpuCompute.Kernels.Intrinsics;
using ILGPU.Algorithms;

namespace GpuCompute.Kernels.Factorizations;

/// <summary>Double-precision arithmetic for the factorization tile kernels.</summary>
internal readonly struct DoubleFactorScalar : IFactorScalar<double>
{
    /// <inheritdoc/>
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
}
