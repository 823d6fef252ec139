namespace GpuCompute.Kernels.Gemm;

/// <summary>
/// Scalar arithmetic for one element type, as an operator struct: ILGPU specializes kernels over the struct type, so
/// the calls inline to plain float or double instructions with no runtime cost.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
internal interface IKernelScalar<T>
    where T : unmanaged
{
    /// <summary>Returns a·b + c (one fused <c>fma.rn</c> on CUDA through <see cref="Intrinsics.KernelMath"/>).</summary>
    T MultiplyAdd(T a, T b, T c);

    /// <summary>Returns a·b.</summary>
    T Multiply(T a, T b);

    /// <summary>True when <paramref name="value"/> is +0 or −0.</summary>
    bool IsZero(T value);
}
