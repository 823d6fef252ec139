using GpuCompute.Scheduling;
using GpuCompute.Simulation;
using NUnit.Framework;

namespace GpuCompute.Tests.Simulation;

/// <summary>The simulator in virtual time: deterministic, so the scheduling targets can be asserted.</summary>
public sealed class GemmSimulatorTests
{
    [Test]
    public void Adaptive_FreeTransfersSpeeds128_IsAtLeast95PercentEfficient()
    {
        IReadOnlyList<SimulatedDevice> devices = SimulatedDevice.ParseList("slow=1000,mid=2000,fast=8000");
        SimulationResult adaptive = GemmSimulator.Run<float>(devices, 65536, 65536, 65536, SchedulingPolicy.Adaptive);
        SimulationResult roundRobin = GemmSimulator.Run<float>(devices, 65536, 65536, 65536, SchedulingPolicy.RoundRobin);

        Assert.That(adaptive.Devices.Select(d => d.Tiles), Has.All.GreaterThanOrEqualTo(32), "a block per device, cut into tiles");
        Assert.That(adaptive.Efficiency, Is.GreaterThanOrEqualTo(0.95));
        Assert.That(roundRobin.Efficiency, Is.LessThan(0.5), "round-robin waits for the slowest device");
        Assert.That(adaptive.BytesMoved, Is.Zero, "free transfers move nothing");
    }

    [Test]
    public void FiniteBus_AdaptiveBeatsWeightedBeatsRoundRobin()
    {
        IReadOnlyList<SimulatedDevice> devices = SimulatedDevice.ParseList("gpu0=20000:mem=16:bw=25:lat=10,gpu1=20000:mem=16:bw=25:lat=10,cpu=1000");
        double Makespan(SchedulingPolicy p) => GemmSimulator.Run<float>(devices, 32768, 32768, 32768, p).MakespanSeconds;

        Assert.That(Makespan(SchedulingPolicy.Adaptive), Is.LessThan(Makespan(SchedulingPolicy.Weighted)));
        Assert.That(Makespan(SchedulingPolicy.Weighted), Is.LessThan(Makespan(SchedulingPolicy.RoundRobin)));
    }

    [Test]
    public void DeviceFailsMidRun_OthersFinishAndTheFailureIsReported()
    {
        IReadOnlyList<SimulatedDevice> devices = SimulatedDevice.ParseList("a=1000,b=1000:fail=2");
        SimulationResult result = GemmSimulator.Run<double>(devices, 16384, 16384, 16384, SchedulingPolicy.Adaptive);

        Assert.That(result.Completed, Is.True);
        Assert.That(result.Devices[1].Failed, Is.True);
        Assert.That(result.Devices.Sum(d => d.Tiles), Is.EqualTo(result.Tiles));
        Assert.That(result.MakespanSeconds, Is.GreaterThan(result.IdealSeconds * 1.2), "losing half the devices costs time");
    }

    [Test]
    public void EveryDeviceFails_ResultIsNotCompleted()
    {
        SimulationResult result = GemmSimulator.Run<float>(SimulatedDevice.ParseList("a=100:fail=1"), 8192, 8192, 8192, SchedulingPolicy.Weighted);
        Assert.That(result.Completed, Is.False);
        Assert.That(result.Efficiency, Is.Zero);
    }

    [Test]
    public void SmallMemory_MovesMoreBytesThanLargeMemory()
    {
        double Moved(string mem) => GemmSimulator.Run<float>(SimulatedDevice.ParseList($"gpu=10000:bw=20:mem={mem}"), 16384, 16384, 16384, SchedulingPolicy.Adaptive).BytesMoved;
        Assert.That(Moved("0.1"), Is.GreaterThan(Moved("64")), "an out-of-core device re-reads panels it had to evict");
    }

    [Test]
    public void SixtyFourDevices_RunInVirtualTime()
    {
        string spec = string.Join(",", Enumerable.Range(0, 64).Select(i => $"d{i}={1000 + (100 * i)}:bw=16:mem=8"));
        SimulationResult result = GemmSimulator.Run<float>(SimulatedDevice.ParseList(spec), 131072, 131072, 131072, SchedulingPolicy.Adaptive);
        Assert.That(result.Completed, Is.True);
        Assert.That(result.Devices, Has.Count.EqualTo(64));
    }

    [TestCase("", "empty")]
    [TestCase("gpu", "NAME=GFLOPS")]
    [TestCase("gpu=fast", "GFLOPS must be a non-negative number")]
    [TestCase("gpu=0", "must be positive")]
    [TestCase("gpu=10:bw", "KEY=VALUE")]
    [TestCase("gpu=10:speed=3", "Unknown key 'speed'")]
    [TestCase("gpu=10:bw=-1", "bw must be")]
    [TestCase("a=1,a=2", "appears twice")]
    [TestCase("gpu=10:overlap=2", "overlap must be 0 or 1")]
    [TestCase("gpu=10:bus=", "bus needs a name")]
    [TestCase("a=10:bw=8:bus=p,b=10:bw=16:bus=p", "must all give the same bw")]
    [TestCase("a=10:bw=8:bus=p,b=10:bus=p", "b: bw=none")]
    public void ParseList_Malformed_ThrowsNamingTheProblem(string spec, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => SimulatedDevice.ParseList(spec));
        Assert.That(e!.Message, Does.Contain(message));
    }

    [Test]
    public void ParseList_AllKeys_AreRead() =>
        Assert.That(
            SimulatedDevice.ParseList("gpu=8000:mem=16:bw=24:lat=10:fail=2.5:overlap=0:bus=pcie0")[0],
            Is.EqualTo(new SimulatedDevice("gpu", 8000, 16, 24, 10, 2.5, OverlapsTransfers: false, Bus: "pcie0")));
}
