using GpuCompute.Backends;
using GpuCompute.Matrices;
using NUnit.Framework;

namespace GpuCompute.Cluster.Tests;

/// <summary>GEMM across node processes on loopback TCP: each node is a device of the app's engine, the result equals
/// the single-machine one, and the tiles follow the nodes' speeds.</summary>
[NonParallelizable]
public sealed class DistributedGemmTests
{
    private static HostMatrix<T> Random<T>(int rows, int cols, int seed)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        var m = new HostMatrix<T>(rows, cols);
        for (int i = 0; i < m.Data.Length; i++)
        {
            m.Data[i] = T.CreateTruncating(random.NextDouble() - 0.5);
        }

        return m;
    }

    [Test]
    public void Gemm_AcrossTwoNodes_EqualsTheSingleMachineResult()
    {
        using var cluster = LocalCluster.Start(1, 1);
        using var engine = new ComputeEngine(new ComputeEngineOptions { Cluster = cluster.Spec, Devices = "node", PersistModels = false });
        Assert.That(engine.Devices.Select(d => d.Id), Is.EquivalentTo(new[] { "node:n1", "node:n2" }));
        Assert.That(engine.Devices.Select(d => d.Kind), Is.All.EqualTo(DeviceKind.Node));

        var a = Random<double>(700, 513, 1);
        var b = Random<double>(513, 650, 2);
        var c = new HostMatrix<double>(700, 650);
        var report = engine.Gemm(1.0, a, Transpose.None, b, Transpose.None, 0.0, c);

        using var local = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu", CpuThreads = 1, PersistModels = false });
        var expected = new HostMatrix<double>(700, 650);
        local.Gemm(1.0, a, Transpose.None, b, Transpose.None, 0.0, expected);
        Assert.That(c.Data, Is.EqualTo(expected.Data).Within(1e-12));
        TestContext.Out.WriteLine(string.Join("; ", report.Devices.Select(d => $"{d.DeviceId}: {d.Tiles} tiles, {d.BytesMoved / 1e6:F1} MB")));
    }
}
