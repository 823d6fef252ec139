namespace GpuCompute.Tests.Engine;

/// <summary>GEMM on the managed CPU device with the engine's default tiles (large shapes split into several).</summary>
public sealed class CpuEngineGemmTests : EngineGemmTests
{
    protected override string Devices => "cpu";
}
