using GpuCompute.Kernels.Intrinsics;

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
}
