namespace GpuCompute.Tests.Engine;

/// <summary>GEMM on every Cuda device through the engine; ignored with the reason when none is present.</summary>
public sealed class CudaEngineGemmTests : EngineGemmTests
{
    protected override string Devices => "cuda";
}
