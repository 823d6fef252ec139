using GpuCompute.Scheduling;
using GpuCompute.Simulation;
using NUnit.Framework;

namespace GpuCompute.Tests.Simulation;

/// <summary>
/// The communication-aware scheduling targets, in virtual time: the adaptive policy against the lower bound on the
/// issue's configurations, and never more than 2 % behind the weighted policy on any configuration here, degenerate
/// ones included.
/// </summary>
public sealed class SchedulingTargetTests
{
    private const string TwelveDevices =
        "h0=50000:bw=25,h1=50000:bw=25,a0=20000:bw=16,a1=20000:bw=16,b0=8000:bw=8,b1=8000:bw=8,b2=4000:bw=8,b3=4000:bw=4,x0=1000:bw=80,x1=1000:bw=80,x2=300:bw=80,x3=300:bw=80";

    private const string TwoGpusAndCpu = "gpu0=20000:mem=16:bw=25:lat=10,gpu1=20000:mem=16:bw=25:lat=10,cpu=1000";

    /// <summary>Configurations for the never-behind-weighted rule: devices, then m, n, k.</summary>
    private static readonly object[] Configurations =
    [
        new object[] { TwelveDevices, 49152, 49152, 49152 },
        new object[] { TwoGpusAndCpu, 32768, 32768, 32768 },
        new object[] { "slow=1000,mid=2000,fast=8000", 65536, 65536, 65536 },
        new object[] { "only=5000:bw=16", 16384, 16384, 16384 },
        new object[] { "a=5000:bw=16,b=5000:bw=16,c=5000:bw=16,d=5000:bw=16", 20000, 20000, 20000 },
        new object[] { "fast=10000:bw=25,crawl=10", 16384, 16384, 16384 },
        new object[] { "gpu=20000:bw=25,cpu=1000", 200, 200, 200 },
        new object[] { "gpu=20000:bw=25,cpu=1000", 700, 900, 500 },
        new object[] { "gpu=20000:bw=25,cpu=1000", 32768, 32768, 1 },
        new object[] { "gpu=20000:bw=25,cpu=1000", 4096, 4096, 1 << 20 },
        new object[] { "g0=20000:bw=25:bus=p,g1=20000:bw=25:bus=p,g2=20000:bw=25:bus=q,g3=20000:bw=25:bus=q,cpu=1000", 32768, 32768, 32768 },
        new object[] { "g0=20000:bw=12:mem=2,g1=10000:bw=12:mem=2,cpu=1000", 32768, 32768, 32768 },
        new object[] { "g0=20000:bw=25:overlap=0,g1=20000:bw=25:overlap=0,cpu=1000", 32768, 32768, 32768 },
        new object[] { "gpu=50000:bw=1,cpu=500", 8192, 8192, 8192 },
        new object[] { "gpu=10000:bw=20:mem=0.25,cpu=400", 32768, 32768, 32768 },
        new object[] { "gpu=8000:bw=12:mem=8,cpu=500", 16384, 16384, 16384 },
        new object[] { "a=1000,b=1000:fail=2,c=1000", 16384, 16384, 16384 },
    ];

    [Test]
    public void TwelveUnequalDevices_AdaptiveReachesNinetyPercentOfTheBound()
    {
        SimulationResult adaptive = Run(TwelveDevices, 49152, 49152, 49152, SchedulingPolicy.Adaptive);
        Assert.That(adaptive.Completed, Is.True);
        Assert.That(adaptive.BoundEfficiency, Is.GreaterThanOrEqualTo(0.9), "the issue asks 0.8; equal tiles reached 0.586");
    }

    [Test]
    public void TwoGpusBesideACpu_AdaptiveReachesNinetyFivePercentOfTheBound()
    {
        SimulationResult adaptive = Run(TwoGpusAndCpu, 32768, 32768, 32768, SchedulingPolicy.Adaptive);
        Assert.That(adaptive.BoundEfficiency, Is.GreaterThanOrEqualTo(0.95), "the issue asks 0.9; equal tiles reached 0.83");
    }

    [Test]
    public void FreeTransfers_Speeds128_AdaptiveStaysAbove99Percent()
    {
        SimulationResult adaptive = Run("slow=1000,mid=2000,fast=8000", 65536, 65536, 65536, SchedulingPolicy.Adaptive);
        Assert.That(adaptive.Efficiency, Is.GreaterThanOrEqualTo(0.99));
        Assert.That(adaptive.BytesMoved, Is.Zero, "free transfers move nothing");
    }

    [TestCaseSource(nameof(Configurations))]
    public void Adaptive_IsNeverMoreThanTwoPercentBehindWeighted(string devices, int m, int n, int k)
    {
        SimulationResult adaptive = Run(devices, m, n, k, SchedulingPolicy.Adaptive);
        SimulationResult weighted = Run(devices, m, n, k, SchedulingPolicy.Weighted);

        Assert.That(adaptive.Completed, Is.True);
        Assert.That(adaptive.Devices.Sum(d => d.Tiles), Is.EqualTo(adaptive.Tiles), "every tile computed once");
        Assert.That(adaptive.MakespanSeconds, Is.LessThanOrEqualTo(weighted.MakespanSeconds * 1.02), $"adaptive {adaptive.MakespanSeconds:F4} s, weighted {weighted.MakespanSeconds:F4} s");
        Assert.That(adaptive.MakespanSeconds, Is.GreaterThanOrEqualTo(adaptive.LowerBoundSeconds * (1 - 1e-9)), "the bound is never beaten");
    }

    [Test]
    public void OneDeviceAThousandTimesSlower_NeverSlowsTheRunDown()
    {
        SimulationResult both = Run("fast=10000:bw=25,crawl=10", 16384, 16384, 16384, SchedulingPolicy.Adaptive);
        SimulationResult alone = Run("fast=10000:bw=25", 16384, 16384, 16384, SchedulingPolicy.Adaptive);
        Assert.That(both.MakespanSeconds, Is.LessThanOrEqualTo(alone.MakespanSeconds * 1.001), "its block is a thousandth of C, and it finishes with the others");
    }

    [Test]
    public void OneDeviceTenThousandTimesSlower_IsLeftOut()
    {
        SimulationResult both = Run("fast=10000:bw=25,crawl=1", 8192, 8192, 8192, SchedulingPolicy.Adaptive);
        SimulationResult alone = Run("fast=10000:bw=25", 8192, 8192, 8192, SchedulingPolicy.Adaptive);
        Assert.That(both.Devices[1].Tiles, Is.Zero, "its share would be under half a minimum tile");
        Assert.That(both.MakespanSeconds, Is.EqualTo(alone.MakespanSeconds).Within(1e-9).Percent);
    }

    [Test]
    public void Overlap_HidesTransfersBehindCompute()
    {
        SimulationResult overlapped = Run("gpu=20000:bw=25", 16384, 16384, 16384, SchedulingPolicy.Adaptive);
        SimulationResult inTurn = Run("gpu=20000:bw=25:overlap=0", 16384, 16384, 16384, SchedulingPolicy.Adaptive);
        double compute = 2.0 * 16384 * 16384 * 16384 / 20e12;
        double transfer = inTurn.BytesMoved / 25e9;

        Assert.That(inTurn.MakespanSeconds, Is.EqualTo(compute + transfer).Within(0.5).Percent, "copy, compute, copy back in turn");
        Assert.That(overlapped.MakespanSeconds, Is.LessThan(compute * 1.03), "only the first tile's panels are exposed");
    }

    [Test]
    public void OutOfCoreGpu_MovesFarFewerBytesThanEqualTiles()
    {
        // 0.25 GiB cannot hold its block's panels: large tiles in a snake re-read the least.
        SimulationResult adaptive = Run("gpu=10000:bw=20:mem=0.25,cpu=400", 32768, 32768, 32768, SchedulingPolicy.Adaptive);
        SimulationResult weighted = Run("gpu=10000:bw=20:mem=0.25,cpu=400", 32768, 32768, 32768, SchedulingPolicy.Weighted);
        Assert.That(adaptive.BytesMoved, Is.LessThan(weighted.BytesMoved / 2));
        Assert.That(adaptive.BoundEfficiency, Is.GreaterThanOrEqualTo(0.95));
    }

    [Test]
    public void SharedBus_IsSlowerThanALinkEach_WhenTheLinkLimits()
    {
        SimulationResult own = Run("g0=20000:bw=2,g1=20000:bw=2", 16384, 16384, 16384, SchedulingPolicy.Adaptive);
        SimulationResult shared = Run("g0=20000:bw=2:bus=p,g1=20000:bw=2:bus=p", 16384, 16384, 16384, SchedulingPolicy.Adaptive);

        Assert.That(shared.MakespanSeconds, Is.GreaterThan(own.MakespanSeconds * 1.5), "one link carries both devices' panels");
        Assert.That(shared.LowerBoundSeconds, Is.GreaterThan(own.LowerBoundSeconds), "the bound counts the shared link");
    }

    [Test]
    public void TinyProduct_RunsWholeOnTheDeviceExpectedFirst()
    {
        SimulationResult result = Run("gpu=20000:bw=25,cpu=1000", 100, 100, 100, SchedulingPolicy.Adaptive);
        Assert.That(result.Tiles, Is.EqualTo(1));
        Assert.That(result.Devices[1].Tiles, Is.EqualTo(1), "the CPU computes from host memory: no round trip over the bus");
    }

    [Test]
    public void DeviceFailsMidRun_ItsHeldAndQueuedTilesRerunElsewhere()
    {
        SimulationResult result = Run("g0=20000:bw=25,g1=20000:bw=25:fail=0.5,cpu=1000", 32768, 32768, 32768, SchedulingPolicy.Adaptive);
        Assert.That(result.Completed, Is.True);
        Assert.That(result.Devices[1].Failed, Is.True);
        Assert.That(result.Devices.Sum(d => d.Tiles), Is.EqualTo(result.Tiles));
    }

    private static SimulationResult Run(string devices, int m, int n, int k, SchedulingPolicy policy) =>
        GemmSimulator.Run<float>(SimulatedDevice.ParseList(devices), m, n, k, policy);
}
