namespace GpuCompute.Tests.Operations;

/// <summary>GEMV, transpose and batched GEMM on every CUDA device; ignored with the reason when none is present.</summary>
public sealed class CudaLinearAlgebraTests : LinearAlgebraTests
{
    protected override string Devices => "cuda";
}
