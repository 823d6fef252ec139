namespace GpuCompute.Tests.Engine;

/// <summary>GEMM on every OpenCL device through the engine; ignored with the reason when none is present.</summary>
public sealed class OpenCLEngineGemmTests : EngineGemmTests
{
    protected override string Devices => "opencl";
}
