using GpuCompute.Matrices;
using GpuCompute.Scheduling;
using GpuCompute.Tests.Support;
using GpuCompute.Verification;
using NUnit.Framework;

namespace GpuCompute.Tests.Engine;

/// <summary>
/// GEMM split tile by tile across the CPU device and the ILGPU emulator (round-robin, 8–16 element tiles): the
/// answer matches the reference, and both devices really computed part of it.
/// </summary>
public sealed class SplitEngineGemmTests : EngineGemmTests
{
    protected override string Devices => "cpu,ilgpu-cpu";

    protected override int MaxDimension => 43;

    protected override SchedulingPolicy Policy => SchedulingPolicy.RoundRobin;

    private protected override TilePlanner? Tiling => new(8, 16, 0);

    [Test]
    public void Gemm_AcrossTwoDevices_EachComputesTilesAndResultMatchesOneDevice()
    {
        HostMatrix<float> a = TestMatrices.Random<float>(40, 23, 9);
        HostMatrix<float> b = TestMatrices.Random<float>(23, 35, 10);
        var split = new HostMatrix<float>(40, 35);
        var single = new HostMatrix<float>(40, 35);
        using var engine = new ComputeEngine(new ComputeEngineOptions { Devices = Devices, Policy = Policy, Tiling = new(8, 16, 0) });
        using var cpuOnly = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu" });

        GemmReport report = engine.Gemm(a, b, split);
        cpuOnly.Gemm(a, b, single);

        Assert.That(report.Devices.Select(d => d.Tiles), Has.All.GreaterThan(0), "every device computes tiles");
        ReferenceGemm.Compute(1f, a, Transpose.None, b, Transpose.None, 0f, split)
            .AssertMatches(split, "split across cpu and ilgpu-cpu");
        for (int i = 0; i < 40; i++)
        {
            for (int j = 0; j < 35; j++)
            {
                Assert.That(split[i, j], Is.EqualTo(single[i, j]).Within(1e-5f), $"C[{i},{j}]");
            }
        }
    }
}
