using GpuCompute.Factorizations;
using GpuCompute.Simulation;
using NUnit.Framework;

namespace GpuCompute.Tests.Simulation;

/// <summary>The tile Cholesky task graph on modelled devices with the engine's own dispatcher, in virtual time
/// (deterministic): the 1:2:8 target, and the bounds the makespan can never beat.</summary>
public sealed class TaskGraphSimulationTests
{
    private static SimulatedDevice Device(string name, double gflops) => new(name, gflops);

    [Test]
    public void Cholesky_OnDevices1To2To8_ReachesAtLeast85PercentOfTheIdeal()
    {
        var result = TaskGraphSimulator.Run(TiledCholesky.Shape(16384, 512), [Device("slow", 1000), Device("mid", 2000), Device("fast", 8000)]);
        Assert.That(result.Efficiency, Is.GreaterThanOrEqualTo(0.85));
        Assert.That(result.Devices.Select(d => d.Tasks), Is.All.GreaterThan(0), "every device helps");
        Assert.That(result.Devices.Sum(d => d.Tasks), Is.EqualTo(result.Tasks));
    }

    [Test]
    public void Cholesky_OneDevice_TakesExactlyItsFlopsOverItsSpeed()
    {
        var graph = TiledCholesky.Shape(3000, 256);
        var result = TaskGraphSimulator.Run(graph, [Device("only", 500)]);
        Assert.That(result.Makespan, Is.EqualTo(result.Flops / 500e9).Within(1e-9));
        Assert.That(result.Efficiency, Is.EqualTo(1).Within(1e-9));
    }

    [Test]
    public void Cholesky_MakespanNeverBeatsTheIdealOrTheCriticalPath()
    {
        foreach (var (n, tile) in new[] { (1024, 512), (5000, 333), (8192, 1024) })
        {
            var result = TaskGraphSimulator.Run(TiledCholesky.Shape(n, tile), [Device("a", 100), Device("b", 100000)]);
            Assert.That(result.Makespan, Is.GreaterThanOrEqualTo(result.Ideal * (1 - 1e-12)), $"{n}/{tile}");
            Assert.That(result.Makespan, Is.GreaterThanOrEqualTo(result.CriticalPath * (1 - 1e-12)), $"{n}/{tile}");
        }
    }

    [Test]
    public void Cholesky_AThousandTimesSlowerDevice_DoesNotHoldTheFastOneBack()
    {
        var alone = TaskGraphSimulator.Run(TiledCholesky.Shape(8192, 512), [Device("fast", 8000)]);
        var both = TaskGraphSimulator.Run(TiledCholesky.Shape(8192, 512), [Device("fast", 8000), Device("emulator", 8)]);
        Assert.That(both.Makespan, Is.LessThanOrEqualTo(alone.Makespan * 1.01));
    }
}

/// <summary>The same graph with tiles crossing links: the tile books decide what moves (each tile a device lacks, once
/// until it changes; write-backs when another place needs the only copy), memory limits hold, and on a finite bus the
/// adaptive policy, which weighs where tiles are, beats the policies that do not.</summary>
public sealed class TaskGraphTransferSimulationTests
{
    private static readonly SimulatedDevice Gpu0 = new("gpu0", 20000, MemoryGiB: 2, BandwidthGBs: 25, LatencyMicroseconds: 10);
    private static readonly SimulatedDevice Gpu1 = Gpu0 with { Name = "gpu1" };
    private static readonly SimulatedDevice Cpu = new("cpu", 1000);

    [Test]
    public void FiniteBus_AdaptiveBeatsWeightedRoundRobinAndRandom()
    {
        var graph = GpuCompute.Factorizations.TiledCholesky.Shape(12288, 512);
        var results = Enum.GetValues<GpuCompute.Scheduling.SchedulingPolicy>().ToDictionary(p => p, p => TaskGraphSimulator.Run(graph, [Gpu0, Gpu1, Cpu], p));
        var adaptive = results[GpuCompute.Scheduling.SchedulingPolicy.Adaptive];
        foreach (var (policy, result) in results.Where(r => r.Key != GpuCompute.Scheduling.SchedulingPolicy.Adaptive))
        {
            Assert.That(adaptive.Makespan, Is.LessThan(result.Makespan), $"adaptive against {policy}");
            Assert.That(adaptive.BytesMoved, Is.LessThan(result.BytesMoved), $"adaptive moves less than {policy}");
        }

        Assert.That(results.Values.Select(r => r.Devices.Sum(d => d.Tasks)), Is.All.EqualTo(graph.Tasks.Count));
    }

    [Test]
    public void OneLinkedDevice_ReceivesEveryTileAtLeastOnce_AndSendsTheResultBack()
    {
        int n = 4096, tile = 512;
        var graph = GpuCompute.Factorizations.TiledCholesky.Shape(n, tile);
        var result = TaskGraphSimulator.Run(graph, [Gpu0 with { MemoryGiB = null }]);
        double lower = (n / tile) * ((n / tile) + 1) / 2 * (double)tile * tile * sizeof(double);
        Assert.That(result.BytesMoved, Is.EqualTo(2 * lower), "each tile of the lower triangle up once (no budget pressure) and back once");
        Assert.That(result.Makespan, Is.GreaterThan((result.Flops / 20000e9) + (lower / 25e9)), "computing and the final write-back are both on the clock");
    }

    [Test]
    public void MemoryLimit_IsNeverExceeded_AndTheGraphStillFinishes()
    {
        var small = Gpu0 with { MemoryGiB = 0.05 }; // 25 tiles of 512² doubles
        var graph = GpuCompute.Factorizations.TiledCholesky.Shape(8192, 512);
        var result = TaskGraphSimulator.Run(graph, [small, small with { Name = "gpu1" }, Cpu]);
        Assert.That(result.Devices.Sum(d => d.Tasks), Is.EqualTo(graph.Tasks.Count));
        Assert.That(result.Devices.Take(2).Select(d => d.PeakBytes), Is.All.LessThanOrEqualTo((long)(0.05 * (1L << 30))));
        var roomy = TaskGraphSimulator.Run(graph, [Gpu0, Gpu1, Cpu]);
        Assert.That(result.BytesMoved, Is.GreaterThan(roomy.BytesMoved), "evicted tiles come back");
    }

    [Test]
    public void FreeTransfers_MoveNothing()
    {
        var result = TaskGraphSimulator.Run(GpuCompute.Factorizations.TiledCholesky.Shape(4096, 512), [new("a", 1000), new("b", 3000)]);
        Assert.That(result.BytesMoved, Is.Zero);
        Assert.That(result.Trace.All(s => s.TransferStart == s.TransferEnd), Is.True);
    }
}
