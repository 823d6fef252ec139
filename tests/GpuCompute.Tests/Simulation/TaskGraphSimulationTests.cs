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
