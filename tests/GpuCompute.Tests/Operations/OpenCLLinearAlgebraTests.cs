namespace GpuCompute.Tests.Operations;

/// <summary>GEMV, transpose and batched GEMM on every OpenCL device; ignored with the reason when none is present.</summary>
public sealed class OpenCLLinearAlgebraTests : LinearAlgebraTests
{
    protected override string Devices => "opencl";
}
