using System.Numerics;
using GpuCompute.Matrices;

namespace GpuCompute.Backends;

/// <summary>
/// A GEMM on buffers of one device, C ← α·op(A)·op(B) + β·C: each operand a row-major view (offset and leading
/// dimension in elements) of a <see cref="DeviceBuffer{T}"/>, op(A) M × K, op(B) K × N, C M × N.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
internal readonly record struct DeviceGemm<T>(
    T Alpha,
    DeviceBuffer<T> A,
    long OffsetA,
    long LeadingA,
    Transpose OpA,
    DeviceBuffer<T> B,
    long OffsetB,
    long LeadingB,
    Transpose OpB,
    T Beta,
    DeviceBuffer<T> C,
    long OffsetC,
    long LeadingC,
    long M,
    long N,
    long K)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>2·M·N·K.</summary>
    public double Flops => 2.0 * M * N * K;
}
