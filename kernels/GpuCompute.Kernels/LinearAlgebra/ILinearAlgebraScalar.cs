using GpuCompute.Kernels.Gemm;

namespace GpuCompute.Kernels.LinearAlgebra;

/// <summary>
/// Scalar arithmetic for the linear-algebra kernels (GEMV, batched GEMM): the GEMM kernel's operations plus the
/// addition that reductions need, as an operator struct that ILGPU specializes and inlines.
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
}
