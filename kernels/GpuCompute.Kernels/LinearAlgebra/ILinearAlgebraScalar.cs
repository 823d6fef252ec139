using GpuCompute.Kernels.Gemm;

namespace GpuCompute.Kernels.LinearAlgebra;

/// <summary>
/// Scalar arithmetic for the linear-algebra kernels (GEMV, batched GEMM, the factorizations' tile kernels): the GEMM
/// kernel's operations plus what reductions and substitutions need, as an operator struct that ILGPU specializes and
/// inlines.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
internal interface ILinearAlgebraScalar<T> : IKernelScalar<T>
    where T : unmanaged
{
    /// <summary>Returns a + b.</summary>
    /// <param name="a">The first term.</param>
    /// <param name="b">The second term.</param>
    /// <returns>a + b.</returns>
    T Add(T a, T b);

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

    /// <summary>True when <paramref name="value"/> &lt; 0 (false for NaN).</summary>
    bool IsNegative(T value);

    /// <summary>True when <paramref name="a"/> &gt; <paramref name="b"/> (false when either is NaN).</summary>
    bool IsGreater(T a, T b);

    /// <summary>True when <paramref name="value"/> is not a number.</summary>
    bool IsNaN(T value);

    /// <summary>Returns |a|.</summary>
    T Abs(T a);

    /// <summary>Returns 1.</summary>
    T One();
}
