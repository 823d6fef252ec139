namespace GpuCompute.Tests.UserKernels;

/// <summary>User kernels as plain multithreaded C# on the CPU device.</summary>
public sealed class CpuUserKernelTests : UserKernelTests
{
    protected override string Devices => "cpu";
}
