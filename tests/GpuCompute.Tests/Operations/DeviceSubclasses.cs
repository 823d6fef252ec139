namespace GpuCompute.Tests.Operations;

/// <summary>Element-wise operations on the CPU device (SIMD code on every core).</summary>
public sealed class CpuElementwiseTests : ElementwiseTests
{
    protected override string Devices => "cpu";
}

/// <summary>Element-wise operations as ILGPU kernels on the emulator (small sizes).</summary>
public sealed class EmulatorElementwiseTests : ElementwiseTests
{
    protected override string Devices => "ilgpu-cpu";

    protected override int LargeSize => 3001;
}

/// <summary>Element-wise operations split in equal shares across the CPU device and the emulator.</summary>
public sealed class SplitElementwiseTests : ElementwiseTests
{
    protected override string Devices => "cpu,ilgpu-cpu";

    protected override int LargeSize => 4003;
}

/// <summary>Element-wise operations on CUDA devices; ignored with the reason when none is present.</summary>
public sealed class CudaElementwiseTests : ElementwiseTests
{
    protected override string Devices => "cuda";
}

/// <summary>Element-wise operations on OpenCL devices; ignored with the reason when none is present.</summary>
public sealed class OpenCLElementwiseTests : ElementwiseTests
{
    protected override string Devices => "opencl";
}

/// <summary>Reductions on the CPU device.</summary>
public sealed class CpuReductionTests : ReductionTests
{
    protected override string Devices => "cpu";
}

/// <summary>Reductions as ILGPU kernels on the emulator (small sizes).</summary>
public sealed class EmulatorReductionTests : ReductionTests
{
    protected override string Devices => "ilgpu-cpu";

    protected override int LargeSize => 3001;
}

/// <summary>Reductions split in equal shares across the CPU device and the emulator.</summary>
public sealed class SplitReductionTests : ReductionTests
{
    protected override string Devices => "cpu,ilgpu-cpu";

    protected override int LargeSize => 4003;
}

/// <summary>Reductions on CUDA devices; ignored with the reason when none is present.</summary>
public sealed class CudaReductionTests : ReductionTests
{
    protected override string Devices => "cuda";
}

/// <summary>Reductions on OpenCL devices; ignored with the reason when none is present.</summary>
public sealed class OpenCLReductionTests : ReductionTests
{
    protected override string Devices => "opencl";
}
