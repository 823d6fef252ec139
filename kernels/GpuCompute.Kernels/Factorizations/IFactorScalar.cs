using GpuCompute.Kernels.LinearAlgebra;

namespace GpuCompute.Kernels.Factorizations;

/// <summary>The arithmetic the factorization tile kernels need beyond the linear-algebra kernels': subtraction,
/// division, square root and the positive-pivot test.</summary>
/// <typeparam name="T">The element type.</typeparam>
internal interface IFactorScalar<T> : ILinearAlgebraScalar<T>
    where T : unmanaged
{
    /// <summary>Returns a − b.</summary>
    T Subtract(T a, T b);

    /// <summary>Returns c − a·b (one fused operation on CUDA).</summary>
    T SubtractProduct(T c, T a, T b);

    /// <summary>Returns a / b.</summary>
    T Divide(T a, T b);

    /// <summary>Returns √a.</summary>
    T Sqrt(T a);

    /// <summary>True when <paramref name="value"/> &gt; 0 (false for NaN).</summary>
    bool IsPositive(T value);
}
