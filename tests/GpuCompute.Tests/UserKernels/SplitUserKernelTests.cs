namespace GpuCompute.Tests.UserKernels;

/// <summary>User kernels split across the CPU device and the emulator in equal shares: each runs its own part.</summary>
public sealed class SplitUserKernelTests : UserKernelTests
{
    protected override string Devices => "cpu,ilgpu-cpu";

    protected override int Scale => 1;
}
