using GpuCompute.Devices;
using GpuCompute.Gemm;
using GpuCompute.Matrices;
using GpuCompute.Scheduling;
using GpuCompute.Tests.Support;
using NUnit.Framework;

namespace GpuCompute.Tests.Scheduling;

public sealed class GemmSchedulerTests
{
    private static readonly TilePlanner SmallTiles = new(8, 16, 0);

    [Test]
    public void Run_DeviceThrowsMidOperation_ThrowsDeviceFailedNamingDeviceAndTile()
    {
        using var cpu = new CpuDevice(1);
        using var faulty = new FailingDevice("faulty:0", okTiles: 3); // 3 calibration calls succeed, then tiles fail
        var scheduler = new GemmScheduler([cpu, faulty], SchedulingPolicy.RoundRobin, 1, SmallTiles);
        HostMatrix<float> a = TestMatrices.Random<float>(40, 30, 1);
        HostMatrix<float> b = TestMatrices.Random<float>(30, 40, 2);
        HostMatrix<float> aBefore = a.Clone();

        var e = Assert.Throws<DeviceFailedException>(() =>
            scheduler.Run(GemmProblem<float>.Create(1f, a, Transpose.None, b, Transpose.None, 0f, new HostMatrix<float>(40, 40))));

        Assert.That(e!.DeviceId, Is.EqualTo("faulty:0"));
        Assert.That(e.Message, Does.Contain("faulty:0").And.Contain("injected device fault").And.Contain($"{e.Tile.Rows} x {e.Tile.Cols}"));
        Assert.That(a.ToArray2D(), Is.EqualTo(aBefore.ToArray2D()), "inputs are never modified");
    }

    [Test]
    public void Run_TwoDevicesWeighted_SplitsAndMatchesReference()
    {
        using var one = new CpuDevice(1);
        using var two = new FailingDevice("helper:0", okTiles: int.MaxValue);
        var scheduler = new GemmScheduler([one, two], SchedulingPolicy.Weighted, 1, SmallTiles);
        HostMatrix<double> a = TestMatrices.Random<double>(45, 37, 3, padding: 2);
        HostMatrix<double> b = TestMatrices.Random<double>(33, 37, 4);
        HostMatrix<double> c = TestMatrices.Random<double>(45, 33, 5);
        ReferenceGemm.Expected expected = ReferenceGemm.Compute(0.5, a, Transpose.None, b, Transpose.Transposed, -1.0, c);

        GemmReport report = scheduler.Run(GemmProblem<double>.Create(0.5, a, Transpose.None, b, Transpose.Transposed, -1.0, c));

        expected.AssertMatches(c, "weighted split over two devices");
        Assert.That(report.Devices.Sum(d => d.Tiles), Is.EqualTo(report.Trace.Count));
        Assert.That(report.Trace.Select(r => r.DeviceId).Distinct().Count(), Is.EqualTo(2), "both devices computed tiles");
    }
}
