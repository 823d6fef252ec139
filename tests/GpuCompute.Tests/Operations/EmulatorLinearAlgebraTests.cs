namespace GpuCompute.Tests.Operations;

/// <summary>GEMV, transpose and batched GEMM on ILGPU's CPU emulator (small sizes only).</summary>
public sealed class EmulatorLinearAlgebraTests : LinearAlgebraTests
{
    protected override string Devices => "ilgpu-cpu";

    protected override bool Large => false;
}
