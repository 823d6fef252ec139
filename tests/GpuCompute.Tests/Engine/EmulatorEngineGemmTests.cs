namespace GpuCompute.Tests.Engine;

/// <summary>GEMM through the ILGPU kernel on ILGPU's CPU emulator: small sizes only (it is a debugging emulator).</summary>
public sealed class EmulatorEngineGemmTests : EngineGemmTests
{
    protected override string Devices => "ilgpu-cpu";

    protected override int MaxDimension => 43;
}
