using GpuCompute.Backends;
using GpuCompute.Cluster.Node;
using GpuCompute.Matrices;
using NUnit.Framework;

namespace GpuCompute.Cluster.Tests;

/// <summary>GEMM across node processes on loopback TCP: each node is a device of the app's engine, the result equals
/// the single-machine one, and the tiles follow the nodes' speeds.</summary>
[NonParallelizable]
public sealed class DistributedGemmTests
{
    /// <summary>Node processes of the built GpuCompute.Node, with these CPU thread counts.</summary>
    private static LocalCluster Nodes(params int[] threads) => NodeProcesses.Start(threads);

    [Test]
    public void Gemm_AcrossTwoNodes_EqualsTheSingleMachineResult()
    {
        using var cluster = Nodes(1, 1);
        using var engine = new ComputeEngine(new ComputeEngineOptions { Cluster = cluster.Spec, Devices = "node", PersistModels = false });
        Assert.That(engine.Devices.Select(d => d.Id), Is.EquivalentTo(new[] { "node:n1", "node:n2" }));
        Assert.That(engine.Devices.Select(d => d.Kind), Is.All.EqualTo(DeviceKind.Node));

        var a = TestMatrices.Random<double>(700, 513, 1);
        var b = TestMatrices.Random<double>(513, 650, 2);
        var c = new HostMatrix<double>(700, 650);
        var report = engine.Gemm(1.0, a, Transpose.None, b, Transpose.None, 0.0, c);

        using var local = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu", CpuThreads = 1, PersistModels = false });
        var expected = new HostMatrix<double>(700, 650);
        local.Gemm(1.0, a, Transpose.None, b, Transpose.None, 0.0, expected);
        // Each node computes whole tiles with the same CPU kernels over the same K order: bit for bit.
        Assert.That(c.Data, Is.EqualTo(expected.Data));
        TestContext.Out.WriteLine(string.Join("; ", report.Devices.Select(d => $"{d.DeviceId}: {d.Tiles} tiles, {d.BytesMoved / 1e6:F1} MB")));
    }

    [Test]
    public void NodeKilledMidGemm_ItsTilesRunElsewhere_TheResultIsRight_AndTheReportNamesIt()
    {
        using var cluster = Nodes(1, 1, 1);
        using var engine = new ComputeEngine(new ComputeEngineOptions { Cluster = cluster.Spec, Devices = "node", PersistModels = false });
        var a = TestMatrices.Random<double>(1536, 1024, 3);
        var b = TestMatrices.Random<double>(1024, 1536, 4);
        var c = new HostMatrix<double>(1536, 1536);
        var killer = new KillOnFirstTile(() => cluster.Kill("n3"));
        var report = engine.GemmAsync(1.0, a, Transpose.None, b, Transpose.None, 0.0, c, killer).GetAwaiter().GetResult();

        Assert.That(killer.Killed, Is.True);
        using var local = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu", CpuThreads = 1, PersistModels = false });
        var expected = new HostMatrix<double>(1536, 1536);
        local.Gemm(1.0, a, Transpose.None, b, Transpose.None, 0.0, expected);
        Assert.That(c.Data, Is.EqualTo(expected.Data));
        var killed = report.Devices.Single(d => d.DeviceId == "node:n3");
        TestContext.Out.WriteLine(string.Join("; ", report.Devices.Select(d => $"{d.DeviceId}: {d.Tiles} tiles{(d.Error is null ? "" : $", failed: {d.Error}")}")));
        if (report.Trace.Any(t => t.DeviceId == "node:n3" && t.Failed))
        {
            Assert.That(killed.Error, Does.Contain("n3"));
        }

        Assert.That(report.Devices.Where(d => d.DeviceId != "node:n3").Sum(d => d.Tiles), Is.GreaterThan(0));
    }

    [Test]
    public void TwoAppsShareOneCluster_AtOnce()
    {
        using var cluster = Nodes(1, 1);
        using var first = new ComputeEngine(new ComputeEngineOptions { Cluster = cluster.Spec, Devices = "node", PersistModels = false });
        using var second = new ComputeEngine(new ComputeEngineOptions { Cluster = cluster.Spec, Devices = "node", PersistModels = false });
        var a = TestMatrices.Random<float>(600, 400, 5);
        var b = TestMatrices.Random<float>(400, 500, 6);
        var c1 = new HostMatrix<float>(600, 500);
        var c2 = new HostMatrix<float>(600, 500);
        Task.WaitAll(
            Task.Run(() => first.Gemm(1f, a, Transpose.None, b, Transpose.None, 0f, c1)),
            Task.Run(() => second.Gemm(2f, a, Transpose.None, b, Transpose.None, 0f, c2)));
        for (int i = 0; i < c1.Data.Length; i++)
        {
            Assert.That(c2.Data[i], Is.EqualTo(2 * c1.Data[i]), $"element {i}");
        }

        using var local = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu", CpuThreads = 1, PersistModels = false });
        var expected = new HostMatrix<float>(600, 500);
        local.Gemm(1f, a, Transpose.None, b, Transpose.None, 0f, expected);
        Assert.That(c1.Data, Is.EqualTo(expected.Data));
    }

    [Test]
    public void TransposesAlphaAndBeta_CrossTheNetworkRight()
    {
        using var cluster = Nodes(1, 1);
        using var engine = new ComputeEngine(new ComputeEngineOptions { Cluster = cluster.Spec, Devices = "node", PersistModels = false });
        var a = TestMatrices.Random<double>(300, 410, 7); // op(A) = Aᵀ: 410 x 300
        var b = TestMatrices.Random<double>(290, 300, 8); // op(B) = Bᵀ: 300 x 290
        var c = TestMatrices.Random<double>(410, 290, 9);
        var c0 = new HostMatrix<double>([.. c.Data], 410, 290, 290);
        engine.Gemm(-0.5, a, Transpose.Transposed, b, Transpose.Transposed, 2.0, c);
        for (int i = 0; i < 410; i += 37)
        {
            for (int j = 0; j < 290; j += 29)
            {
                double sum = 0;
                for (int p = 0; p < 300; p++)
                {
                    sum += a[p, i] * b[j, p];
                }

                Assert.That(c[i, j], Is.EqualTo((-0.5 * sum) + (2.0 * c0[i, j])).Within(1e-12), $"C[{i}, {j}]");
            }
        }
    }

    [Test]
    public void TilesFollowNodeSpeeds()
    {
        // Weighted shares follow the models: each node's own measured throughput (n2 has twice the threads). The
        // adaptive policy would then correct them by the tiles' measured times, which depend on what else runs.
        using var cluster = Nodes(1, 2);
        using var engine = new ComputeEngine(new ComputeEngineOptions
        {
            Cluster = cluster.Spec, Devices = "node", PersistModels = false, Policy = GpuCompute.Scheduling.SchedulingPolicy.Weighted,
        });
        var speeds = engine.Devices.ToDictionary(d => d.Id, d => engine.CalibratedGflops<double>(d));
        // (What each engine measures on two shared cores varies run to run; the shares must follow whatever it was.)
        Assert.That(speeds.Values, Is.All.GreaterThan(0));
        var a = TestMatrices.Random<double>(2048, 1024, 10);
        var b = TestMatrices.Random<double>(1024, 2048, 11);
        var report = engine.Gemm(1.0, a, Transpose.None, b, Transpose.None, 0.0, new HostMatrix<double>(2048, 2048));
        double one = report.Devices.Single(d => d.DeviceId == "node:n1").Flops, two = report.Devices.Single(d => d.DeviceId == "node:n2").Flops;
        TestContext.Out.WriteLine($"n1 (1 thread) {one / 1e9:F1} GFLOP, n2 (2 threads) {two / 1e9:F1} GFLOP");
        // Shares come in whole tiles (a tenth of C or less each here), so they match the speeds to about a tile.
        double expected = speeds["node:n2"] / (speeds["node:n1"] + speeds["node:n2"]);
        Assert.That(two / (one + two), Is.EqualTo(expected).Within(0.1), "n2's share in proportion to the reported speeds");
    }

    [Test]
    public void ASmallProduct_StaysOnTheLocalCpu_AndTheReportSaysWhyTheNodeSatOut()
    {
        // 160³ takes the local CPU well under a millisecond; shipping its operands to a node costs more than that.
        using var cluster = Nodes(1);
        using var engine = new ComputeEngine(new ComputeEngineOptions { Cluster = cluster.Spec, Devices = "cpu,node", PersistModels = false });
        var a = TestMatrices.Random<double>(160, 160, 13);
        var b = TestMatrices.Random<double>(160, 160, 14);
        var report = engine.Gemm(1.0, a, Transpose.None, b, Transpose.None, 0.0, new HostMatrix<double>(160, 160));
        Assert.That(report.Devices.Single(d => d.DeviceId == "node:n1").Tiles, Is.Zero);
        Assert.That(report.SatOut, Has.Some.StartsWith("node:n1 sat out:").And.Some.Contains("link"));
        TestContext.Out.WriteLine(string.Join("\n", report.SatOut));
    }

    [Test]
    public void JoiningAClusterThatIsNotThere_FailsClearly_InsteadOfHanging()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var error = Assert.Throws<InvalidOperationException>(() => new ComputeEngine(new ComputeEngineOptions
        {
            Cluster = "127.0.0.1:1;cluster=nobody;timeout=5", Devices = "node", PersistModels = false,
        }));
        Assert.That(error!.Message, Does.Contain("Could not join the cluster"));
        Assert.That(started.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)));
    }

    /// <summary>Kills a node when the first tile is done (reported inline, on the worker that finished it).</summary>
    [Test]
    public void NodesJoiningMidRun_AreUsedFromTheNextOperation_ALeavingOneIsDropped_AndARestartedOneComesBack()
    {
        using var cluster = Nodes(1, 1);
        using var engine = new ComputeEngine(new ComputeEngineOptions { Cluster = cluster.Spec, Devices = "node", PersistModels = false });
        Assert.That(engine.Devices.Select(d => d.Id), Is.EquivalentTo(new[] { "node:n1", "node:n2" }));
        var a = TestMatrices.Random<double>(1536, 1024, 11);
        var b = TestMatrices.Random<double>(1024, 1536, 12);
        using var local = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu", CpuThreads = 1, PersistModels = false });
        var expected = new HostMatrix<double>(1536, 1536);
        local.Gemm(1.0, a, Transpose.None, b, Transpose.None, 0.0, expected);

        cluster.Add(1);
        WaitUntil(engine, () => engine.Devices.Any(d => d.Id == "node:n3"), "n3 is one of the engine's devices");
        Assert.That(engine.Devices.Select(d => d.Id), Is.EquivalentTo(new[] { "node:n1", "node:n2", "node:n3" }));
        var c = new HostMatrix<double>(1536, 1536);
        var report = engine.Gemm(1.0, a, Transpose.None, b, Transpose.None, 0.0, c);
        TestContext.Out.WriteLine(string.Join("; ", report.Devices.Select(d => $"{d.DeviceId}: {d.Tiles} tiles")));
        Assert.That(c.Data, Is.EqualTo(expected.Data));
        Assert.That(report.Devices.Single(d => d.DeviceId == "node:n3").Tiles, Is.GreaterThan(0), "the node that joined computed nothing");

        ComputeDevice dead = engine.Devices.Single(d => d.Id == "node:n2");
        cluster.Kill("n2");
        WaitUntil(engine, () => engine.Devices.All(d => d.Id != "node:n2"), "the killed n2 is dropped once membership says it left");
        Assert.That(engine.Devices.Select(d => d.Id), Is.EquivalentTo(new[] { "node:n1", "node:n3" }));
        cluster.Restart("n2", 1);
        WaitUntil(engine, () => engine.Devices.Count(d => d.Id == "node:n2") == 1 && !ReferenceEquals(engine.Devices.Single(d => d.Id == "node:n2"), dead), "the restarted n2 replaces the dead one");
        Assert.That(engine.Devices.Select(d => d.Id), Is.EquivalentTo(new[] { "node:n1", "node:n2", "node:n3" }));
        c.Fill(0);
        report = engine.Gemm(1.0, a, Transpose.None, b, Transpose.None, 0.0, c);
        TestContext.Out.WriteLine(string.Join("; ", report.Devices.Select(d => $"{d.DeviceId}: {d.Tiles} tiles{(d.Error is null ? "" : $", failed: {d.Error}")}")));
        Assert.That(c.Data, Is.EqualTo(expected.Data));
        Assert.That(report.Devices.Single(d => d.DeviceId == "node:n2").Tiles, Is.GreaterThan(0), "the restarted node computed nothing");
    }

    /// <summary>Runs small products (each operation's start is when the engine follows membership) until
    /// <paramref name="done"/>, for at most 60 s (a death is declared within a few probe timeouts of a second, a join
    /// is seen within the watch's one-second poll).</summary>
    private static void WaitUntil(ComputeEngine engine, Func<bool> done, string what)
    {
        var a = TestMatrices.Random<double>(8, 8, 1);
        var c = new HostMatrix<double>(8, 8);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!done())
        {
            Assert.That(waited.Elapsed, Is.LessThan(TimeSpan.FromSeconds(60)), $"within 60 s: {what}; the engine's devices are {string.Join(", ", engine.Devices.Select(d => d.Id))}");

            // A product this small goes whole to one node, which may be the one just killed before membership has
            // said so: it then runs again on the nodes that sat it out (β = 0).
            engine.Gemm(1.0, a, Transpose.None, a, Transpose.None, 0.0, c);
            Thread.Sleep(250);
        }

        TestContext.Out.WriteLine($"{what}: {waited.Elapsed.TotalSeconds:F1} s");
    }

    private sealed class KillOnFirstTile(Action kill) : IProgress<GpuCompute.Scheduling.GemmProgress>
    {
        private int done;

        public bool Killed => done > 0;

        public void Report(GpuCompute.Scheduling.GemmProgress value)
        {
            if (Interlocked.Exchange(ref done, 1) == 0)
            {
                kill();
            }
        }
    }
}
