using GpuCompute.Backends;
using GpuCompute.Cluster.Node;
using GpuCompute.Matrices;
using GpuCompute.Scheduling;
using NUnit.Framework;

namespace GpuCompute.Cluster.Tests;

/// <summary>
/// Task graphs on a node process: the factorizations' tasks run on the node's tile copies (buffers the app keeps
/// there, moved in checksummed chunks over Orleans), each tile kernel a call that the node computes with the engine's
/// own kernels. Every task pinned to the node, and tasks dealt round-robin between the app's CPU and the node so tiles
/// cross the network both ways; results checked by their residuals.
/// </summary>
[NonParallelizable]
public sealed class NodeTaskGraphTests
{
    private const int Tile = 48;

    private static ComputeEngine Engine(LocalCluster cluster, SchedulingPolicy? policy = null)
    {
        var engine = new ComputeEngine(new ComputeEngineOptions { Cluster = cluster.Spec, Devices = "cpu,node", Policy = policy, PersistModels = false });
        engine.FactorTile = Tile;
        return engine;
    }

    private static void OnTheNode(ComputeEngine engine) => engine.TaskPlacement = (_, device) => device.Kind == DeviceKind.Node;

    private static HostMatrix<double> Copy(HostMatrix<double> a)
    {
        var copy = new HostMatrix<double>(a.Rows, a.Cols);
        a.Data.CopyTo(copy.Data, 0);
        return copy;
    }

    /// <summary>max |A·X − B| / (‖A‖_max·‖X‖_max·n).</summary>
    private static double Residual(HostMatrix<double> a, HostMatrix<double> x, HostMatrix<double> b)
    {
        double worst = 0, scaleA = a.Data.Max(Math.Abs), scaleX = x.Data.DefaultIfEmpty(0).Max(Math.Abs);
        for (int i = 0; i < a.Rows; i++)
        {
            for (int c = 0; c < b.Cols; c++)
            {
                double sum = 0;
                for (int p = 0; p < a.Cols; p++)
                {
                    sum += a[i, p] * x[p, c];
                }

                worst = Math.Max(worst, Math.Abs(sum - b[i, c]));
            }
        }

        return worst / (scaleA * scaleX * a.Rows);
    }

    /// <summary>max |A − L·Lᵀ| / max |A| on the lower triangle, on every <paramref name="every"/>-th row.</summary>
    private static double CholeskyError(HostMatrix<double> a, HostMatrix<double> l, int every)
    {
        double worst = 0;
        for (int i = 0; i < a.Rows; i += every)
        {
            for (int j = 0; j <= i; j++)
            {
                double sum = 0;
                for (int p = 0; p <= j; p++)
                {
                    sum += l[i, p] * l[j, p];
                }

                worst = Math.Max(worst, Math.Abs(sum - a[i, j]));
            }
        }

        return worst / a.Data.Max(Math.Abs);
    }

    private static IEnumerable<string> KindsOn(OperationReport report, string device) =>
        report.Trace.Where(r => r.DeviceId == device).Select(r => r.Item.Split('(')[0]).Distinct();

    [Test]
    public void EveryTaskOnTheNode_CholeskyLuAndQr_SolveTheirSystems()
    {
        using var cluster = NodeProcesses.Start([1]);
        using var engine = Engine(cluster);
        OnTheNode(engine);
        const int n = 150;
        var b = TestMatrices.Random<double>(n, 3, 2);

        var spd = TestMatrices.Spd(n, 1);
        var factor = Copy(spd);
        var factored = engine.Cholesky(factor);
        Assert.That(KindsOn(factored, "node:n1"), Is.EquivalentTo(new[] { "potrf", "trsm", "syrk", "gemm" }), "Cholesky's tasks on the node");
        var x = Copy(b);
        engine.CholeskySolve(factor, x);
        Assert.That(Residual(spd, x, b), Is.LessThan(1e-14), "Cholesky solve");

        var a = TestMatrices.Random<double>(n, n, 3);
        var lu = Copy(a);
        var pivots = new int[n];
        var luReport = engine.Lu(lu, pivots);
        Assert.That(KindsOn(luReport, "node:n1"), Is.SupersetOf(new[] { "panel", "swap", "trsm", "gemm" }), "LU's tasks on the node");
        x = Copy(b);
        engine.LuSolve(lu, pivots, x);
        Assert.That(Residual(a, x, b), Is.LessThan(1e-13), "LU solve");

        x = engine.LeastSquares(a, b, out var qrReport);
        Assert.That(qrReport.Trace.Where(r => r.Item.StartsWith("panel", StringComparison.Ordinal)).Select(r => r.DeviceId).Distinct(), Is.EqualTo(new[] { "node:n1" }));
        Assert.That(Residual(a, x, b), Is.LessThan(1e-13), "a square system's least-squares solution solves it");
        Assert.That(((App.RemoteNodeDevice)engine.Devices.Single(d => d.Kind == DeviceKind.Node)).BytesMoved, Is.GreaterThan(n * n * sizeof(double)), "the tiles crossed the network");
    }

    [Test]
    public void TasksDealtRoundRobin_BetweenTheCpuAndANode_TilesCrossBothWays_TheFactorIsRight()
    {
        using var cluster = NodeProcesses.Start([1]);
        using var engine = Engine(cluster, SchedulingPolicy.RoundRobin);
        const int n = 200;
        var spd = TestMatrices.Spd(n, 4);
        var factor = Copy(spd);
        var report = engine.Cholesky(factor);
        Assert.That(report.Trace.Select(r => r.DeviceId).Distinct(), Is.EquivalentTo(new[] { "cpu", "node:n1" }));
        TestContext.Out.WriteLine(string.Join("; ", report.Trace.GroupBy(r => r.DeviceId).Select(g => $"{g.Key}: {g.Count()} tasks, {g.Sum(r => r.EndSeconds - r.StartSeconds):F3} s busy, {g.Sum(r => r.Bytes) / 1e6:F1} MB moved")));

        Assert.That(CholeskyError(spd, factor, every: 1), Is.LessThan(1e-14));
    }

    [Test]
    public void ANodeKilledMidGraph_ItsTasksRunOnTheCpu_OrTheGraphStopsNamingTheLostTiles()
    {
        // The second node is killed as soon as the first tile has reached it; n1 keeps the development membership.
        using var cluster = NodeProcesses.Start([1, 1]);
        using var engine = Engine(cluster, SchedulingPolicy.RoundRobin);
        var node = (App.RemoteNodeDevice)engine.Devices.Single(d => d.Id == "node:n2");
        const int n = 480;
        var spd = TestMatrices.Spd(n, 5);
        var factor = Copy(spd);
        using var watch = Task.Run(() =>
        {
            while (node.BytesMoved == 0)
            {
                Thread.Sleep(1);
            }

            cluster.Kill("n2");
        });
        try
        {
            var report = engine.Cholesky(factor);
            TestContext.Out.WriteLine(string.Join("; ", report.Trace.GroupBy(r => r.DeviceId).Select(g => $"{g.Key}: {g.Count()} tasks, {g.Count(r => r.Failed)} failed")));
            Assert.That(report.Trace.Any(r => r.DeviceId == "node:n2" && r.Failed), Is.True, "the killed node's task failed and ran again elsewhere");
            Assert.That(CholeskyError(spd, factor, every: 7), Is.LessThan(1e-14));
        }
        catch (DeviceFailedException e)
        {
            // A node held the only valid copy of tiles it had written: they cannot be recomputed from host memory. (It
            // may be n1: a call to n1 that went through n2's gateway dies with n2, and a kernel working in place is
            // not asked again.)
            TestContext.Out.WriteLine(e.Message);
            Assert.That(e.Message, Does.Contain("node:n").And.Contain("A("));
        }

        watch.Wait(TimeSpan.FromSeconds(30));
    }
}
