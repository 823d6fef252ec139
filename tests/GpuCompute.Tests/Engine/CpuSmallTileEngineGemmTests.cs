using GpuCompute.Scheduling;

namespace GpuCompute.Tests.Engine;

/// <summary>GEMM on the CPU device cut into 8–16 element tiles, so every shape crosses many tile edges.</summary>
public sealed class CpuSmallTileEngineGemmTests : EngineGemmTests
{
    protected override string Devices => "cpu";

    private protected override TilePlanner? Tiling => new(8, 16, 0);
}
