namespace GpuCompute.Tests.Operations;

/// <summary>GEMV, transpose and batched GEMM split across the CPU device and the emulator in equal shares.</summary>
public sealed class SplitLinearAlgebraTests : LinearAlgebraTests
{
    protected override string Devices => "cpu,ilgpu-cpu";

    protected override bool Large => false;
}
