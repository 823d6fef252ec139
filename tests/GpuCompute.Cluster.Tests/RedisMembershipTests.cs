using GpuCompute.Matrices;
using NUnit.Framework;

namespace GpuCompute.Cluster.Tests;

/// <summary>Membership in a real Redis: no node is special, so the first node, which development clustering could
/// never lose, is the one killed mid-GEMM here.</summary>
[NonParallelizable]
public sealed class RedisMembershipTests
{
    [Test]
    public void FirstNodeKilledMidGemm_WithRedisMembership_TheOthersFinishIt()
    {
        using RedisServer redis = RedisServer.StartOrIgnore();
        using var cluster = NodeProcesses.Start([1, 1, 1], redis.Endpoint);
        using var engine = new ComputeEngine(new ComputeEngineOptions { Cluster = cluster.Spec, Devices = "node", PersistModels = false });
        Assert.That(engine.Devices.Select(d => d.Id), Is.EquivalentTo(new[] { "node:n1", "node:n2", "node:n3" }), "every node found through Redis");

        var a = TestMatrices.Random<double>(1280, 900, 12);
        var b = TestMatrices.Random<double>(900, 1100, 13);
        var c = new HostMatrix<double>(1280, 1100);
        int done = 0;
        var report = engine.GemmAsync(1.0, a, Transpose.None, b, Transpose.None, 0.0, c, new Killer(() =>
        {
            if (Interlocked.Exchange(ref done, 1) == 0)
            {
                cluster.Kill("n1");
            }
        })).GetAwaiter().GetResult();

        using var local = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu", CpuThreads = 1, PersistModels = false });
        var expected = new HostMatrix<double>(1280, 1100);
        local.Gemm(1.0, a, Transpose.None, b, Transpose.None, 0.0, expected);
        Assert.That(c.Data, Is.EqualTo(expected.Data));
        TestContext.Out.WriteLine(string.Join("; ", report.Devices.Select(d => $"{d.DeviceId}: {d.Tiles} tiles{(d.Error is null ? "" : $", failed: {d.Error}")}")));
        if (report.Trace.Any(t => t.DeviceId == "node:n1" && t.Failed))
        {
            Assert.That(report.Devices.Single(d => d.DeviceId == "node:n1").Error, Does.Contain("n1"));
        }

        Assert.That(report.Devices.Where(d => d.DeviceId != "node:n1").Sum(d => d.Tiles), Is.GreaterThan(0), "the survivors did the rest");
    }

    private sealed class Killer(Action kill) : IProgress<GpuCompute.Scheduling.GemmProgress>
    {
        public void Report(GpuCompute.Scheduling.GemmProgress value) => kill();
    }
}
