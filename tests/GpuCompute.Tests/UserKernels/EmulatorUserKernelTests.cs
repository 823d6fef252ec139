namespace GpuCompute.Tests.UserKernels;

/// <summary>User kernels compiled by ILGPU and run on its CPU emulator (small grids: it is a debugging emulator).</summary>
public sealed class EmulatorUserKernelTests : UserKernelTests
{
    protected override string Devices => "ilgpu-cpu";

    protected override int Scale => 1;
}
