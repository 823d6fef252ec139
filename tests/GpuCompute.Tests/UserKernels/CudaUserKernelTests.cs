namespace GpuCompute.Tests.UserKernels;

/// <summary>User kernels on every CUDA device; ignored with the reason when none is present.</summary>
public sealed class CudaUserKernelTests : UserKernelTests
{
    protected override string Devices => "cuda";
}
