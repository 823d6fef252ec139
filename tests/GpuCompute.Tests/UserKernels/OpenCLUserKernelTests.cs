namespace GpuCompute.Tests.UserKernels;

/// <summary>User kernels on every OpenCL device; ignored with the reason when none is present.</summary>
public sealed class OpenCLUserKernelTests : UserKernelTests
{
    protected override string Devices => "opencl";
}
