namespace GpuCompute.Tests.Operations;

/// <summary>GEMV, transpose and batched GEMM on the CPU device (SIMD C#).</summary>
public sealed class CpuLinearAlgebraTests : LinearAlgebraTests
{
    protected override string Devices => "cpu";
}
