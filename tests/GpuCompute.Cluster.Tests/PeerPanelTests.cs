using GpuCompute.Cluster.App;
using GpuCompute.Cluster.Node;
using GpuCompute.Gemm;
using GpuCompute.Matrices;
using Microsoft.Extensions.Logging.Abstractions;
using NUnit.Framework;

namespace GpuCompute.Cluster.Tests;

/// <summary>Panels fetched peer to peer, on real node processes: two tiles of one row band on two nodes share op(A)'s
/// rows, so the second node takes them from the first instead of from the app; with <c>peers=off</c> it does not; with
/// the first node dead, the app sends them itself. The results are bit for bit the single-machine ones.</summary>
[NonParallelizable]
public sealed class PeerPanelTests
{
    private static LocalCluster Nodes(params int[] threads) => NodeProcesses.Start(threads);

    [TestCase(true)]
    [TestCase(false)]
    public void TheSecondTileOfARowBand_TakesTheRowsFromThePeerThatHasThem(bool peers)
    {
        using var cluster = Nodes(1, 1);
        using var backend = new OrleansClusterBackend(cluster.Spec + (peers ? "" : ";peers=off"), NullLogger.Instance);
        var (first, second) = Pair(backend);
        var (problem, expected) = Problem(seed: 21);
        first.RunGemmTile(problem, new GemmTile(0, 0, 512, 256), CancellationToken.None);
        long before = second.BytesMoved;
        second.RunGemmTile(problem, new GemmTile(0, 256, 512, 256), CancellationToken.None);

        Assert.That(problem.C.Data, Is.EqualTo(expected.Data));
        long rows = 512L * 384 * sizeof(double);
        TestContext.Out.WriteLine($"second node: {second.BytesFromPeers} bytes from its peer, {second.BytesMoved - before} through the app");
        if (peers)
        {
            Assert.That(second.BytesFromPeers, Is.EqualTo(rows), "op(A)'s rows, fetched from the first node");
            Assert.That(second.BytesMoved - before, Is.EqualTo((384L * 256 * sizeof(double)) + (512L * 256 * sizeof(double))), "only op(B)'s panel out and the tile back");
        }
        else
        {
            Assert.That(second.BytesFromPeers, Is.Zero);
            Assert.That(second.BytesMoved - before, Is.EqualTo(rows + (384L * 256 * sizeof(double)) + (512L * 256 * sizeof(double))));
        }
    }

    [Test]
    public void APeerThatDied_IsNotWaitedFor_TheAppSendsThePanelItself()
    {
        using var cluster = Nodes(1, 1, 1);
        using var backend = new OrleansClusterBackend(cluster.Spec, NullLogger.Instance);
        var nodes = backend.Nodes.Cast<RemoteNodeDevice>().ToDictionary(n => n.Id);
        RemoteNodeDevice holder = nodes["node:n2"], asking = nodes["node:n3"];
        var (problem, expected) = Problem(seed: 22);
        holder.RunGemmTile(problem, new GemmTile(0, 0, 512, 256), CancellationToken.None);
        cluster.Kill("n2");
        asking.RunGemmTile(problem, new GemmTile(0, 256, 512, 256), CancellationToken.None);

        Assert.That(asking.BytesFromPeers, Is.Zero);
        Assert.That(problem.C.Slice(0, 256, 512, 256).Clone().Data, Is.EqualTo(expected.Slice(0, 256, 512, 256).Clone().Data));
    }

    private static (RemoteNodeDevice First, RemoteNodeDevice Second) Pair(OrleansClusterBackend backend)
    {
        var nodes = backend.Nodes.Cast<RemoteNodeDevice>().OrderBy(n => n.Id, StringComparer.Ordinal).ToArray();
        return (nodes[0], nodes[1]);
    }

    /// <summary>C ← A·B for A 512 × 384 and B 384 × 512 (two 256-column tiles), with the single-machine result.</summary>
    private static (GemmProblem<double> Problem, HostMatrix<double> Expected) Problem(int seed)
    {
        var a = TestMatrices.Random<double>(512, 384, seed);
        var b = TestMatrices.Random<double>(384, 512, seed + 100);
        var c = new HostMatrix<double>(512, 512);
        using var local = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu", CpuThreads = 1, PersistModels = false });
        var expected = new HostMatrix<double>(512, 512);
        local.Gemm(1.0, a, Transpose.None, b, Transpose.None, 0.0, expected);
        return (GemmProblem<double>.Create(1.0, a, Transpose.None, b, Transpose.None, 0.0, c), expected);
    }
}
