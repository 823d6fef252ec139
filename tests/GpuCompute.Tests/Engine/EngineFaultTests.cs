using GpuCompute.Matrices;
using GpuCompute.Scheduling;
using GpuCompute.Tests.Support;
using GpuCompute.Verification;
using NUnit.Framework;

namespace GpuCompute.Tests.Engine;

/// <summary>Faults injected into real engine devices: the answer stays right and the report names the failure.</summary>
public sealed class EngineFaultTests
{
    [TestCase(SchedulingPolicy.Adaptive, 0)] // fails while calibrating: dropped before the operation starts
    [TestCase(SchedulingPolicy.RoundRobin, 1)] // fails on its second tile: the rest re-run on the CPU device
    public void Gemm_EmulatorFails_CpuFinishesAndReportNamesIt(SchedulingPolicy policy, int okTiles)
    {
        using var engine = new ComputeEngine(new ComputeEngineOptions
        {
            Devices = "cpu,ilgpu-cpu",
            Policy = policy,
            Tiling = new(8, 16, 0),
            PersistModels = false,
            InjectFaults = new Dictionary<string, int> { ["ilgpu-cpu"] = okTiles },
        });
        HostMatrix<float> a = TestMatrices.Random<float>(40, 24, 1), b = TestMatrices.Random<float>(24, 36, 2);
        var c = new HostMatrix<float>(40, 36);

        GemmReport report = engine.Gemm(a, b, c);

        ReferenceGemm.Compute(1f, a, Transpose.None, b, Transpose.None, 0f, c).AssertMatches(c, $"{policy}, emulator failing");
        Assert.That(report.Devices.Single(d => d.DeviceId == "ilgpu-cpu").Error, Does.Contain("fault injected"));
        Assert.That(report.Devices.Sum(d => d.Tiles), Is.EqualTo(9));
    }

    [Test]
    public void Constructor_FaultForAnUnknownDevice_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => new ComputeEngine(new ComputeEngineOptions
        {
            Devices = "cpu",
            InjectFaults = new Dictionary<string, int> { ["cuda:0"] = 1 },
        }));
        Assert.That(e!.Message, Does.Contain("cuda:0").And.Contain("cpu"));
    }
}
