using GpuCompute.Backends;
using GpuCompute.Gemm;
using GpuCompute.Matrices;
using GpuCompute.Scheduling;
using GpuCompute.Tests.Support;
using GpuCompute.Verification;
using NUnit.Framework;

namespace GpuCompute.Tests.Scheduling;

/// <summary>The scheduler on real threads over throttled devices: splits, faults, cancellation, progress.</summary>
public sealed class GemmSchedulerTests
{
    private static readonly TilePlanner SmallTiles = new(8, 16, 0);

    [TestCase(SchedulingPolicy.Adaptive)]
    [TestCase(SchedulingPolicy.Weighted)]
    [TestCase(SchedulingPolicy.RoundRobin)]
    [TestCase(SchedulingPolicy.Random)]
    public void Run_DeviceFailsMidOperation_ItsTilesRerunElsewhereAndResultIsRight(SchedulingPolicy policy)
    {
        // ~1.5 ms a tile, so that both workers are under way before either could finish (or steal) every tile.
        using var healthy = new ThrottledDevice("healthy:0", 0.01);
        using var faulty = new ThrottledDevice("faulty:0", 0.01);
        var scheduler = new GemmScheduler([healthy, faulty], policy, 1, SmallTiles);
        HostMatrix<float> a = TestMatrices.Random<float>(64, 30, 1);
        HostMatrix<float> b = TestMatrices.Random<float>(30, 64, 2);
        HostMatrix<float> c = TestMatrices.Random<float>(64, 64, 3);
        scheduler.Run(GemmProblem<float>.Create(1f, a, Transpose.None, b, Transpose.None, 0f, new HostMatrix<float>(64, 64))); // calibrates
        faulty.FailAfter(2);
        float[,] aBefore = a.ToArray2D(), bBefore = b.ToArray2D();
        ReferenceGemm.Expected expected = ReferenceGemm.Compute(2f, a, Transpose.None, b, Transpose.None, 0.5f, c);

        GemmReport report = scheduler.Run(GemmProblem<float>.Create(2f, a, Transpose.None, b, Transpose.None, 0.5f, c));

        expected.AssertMatches(c, $"{policy} with a device failing mid-operation");
        DeviceShare failed = report.Devices.Single(d => d.DeviceId == "faulty:0");
        Assert.Multiple(() =>
        {
            Assert.That(failed.Error, Does.Contain("injected fault"), "the report names the failed device");
            Assert.That(report.Devices.Single(d => d.DeviceId == "healthy:0").Error, Is.Null);
            Assert.That(report.Trace.Count(r => r.Failed), Is.EqualTo(1));
            Assert.That(report.Devices.Sum(d => d.Tiles), Is.EqualTo(16), "every tile computed once");
            Assert.That(a.ToArray2D(), Is.EqualTo(aBefore), "A is never modified");
            Assert.That(b.ToArray2D(), Is.EqualTo(bBefore), "B is never modified");
        });
    }

    [Test]
    public void Run_EveryDeviceFails_ThrowsOneExceptionNamingEach()
    {
        using var first = new ThrottledDevice("first:0", 0.01);
        using var second = new ThrottledDevice("second:0", 0.01);
        var scheduler = new GemmScheduler([first, second], SchedulingPolicy.Adaptive, 1, SmallTiles);
        HostMatrix<double> a = TestMatrices.Random<double>(64, 20, 1), b = TestMatrices.Random<double>(20, 64, 2);
        scheduler.Run(GemmProblem<double>.Create(1.0, a, Transpose.None, b, Transpose.None, 0.0, new HostMatrix<double>(64, 64))); // calibrates
        first.FailAfter(1);
        second.FailAfter(1);

        var e = Assert.Throws<GemmFailedException>(() =>
            scheduler.Run(GemmProblem<double>.Create(1.0, a, Transpose.None, b, Transpose.None, 0.0, new HostMatrix<double>(64, 64))));

        Assert.That(e!.Failures.Select(f => f.DeviceId), Is.EquivalentTo(new[] { "first:0", "second:0" }));
        Assert.That(e.Message, Does.Contain("Every device failed").And.Contain("first:0").And.Contain("second:0"));
    }

    [TestCase(0.0, true)]
    [TestCase(0.5, false)]
    public void Run_TheOnlyDeviceUsedFails_TheDeviceThatSatOutTakesOver_WhenBetaIsZero(double beta, bool rescued)
    {
        // The slow device is a thousand times slower: a small product goes wholly to the fast one, which then fails.
        using var fast = new ThrottledDevice("fast:0", 1);
        using var slow = new ThrottledDevice("slow:0", 0.001);
        var scheduler = new GemmScheduler([fast, slow], SchedulingPolicy.Adaptive, 1, SmallTiles);
        HostMatrix<double> a = TestMatrices.Random<double>(32, 16, 1), b = TestMatrices.Random<double>(16, 32, 2);
        HostMatrix<double> c = TestMatrices.Random<double>(32, 32, 3);
        GemmReport first = scheduler.Run(GemmProblem<double>.Create(1.0, a, Transpose.None, b, Transpose.None, 0.0, new HostMatrix<double>(32, 32))); // calibrates
        Assert.That(first.Devices.Single(d => d.DeviceId == "slow:0").Tiles, Is.Zero, "the slow device sits a small product out");
        Assert.That(first.SatOut, Has.Some.Contains("slow:0"));
        fast.FailAfter(0);
        ReferenceGemm.Expected expected = ReferenceGemm.Compute(1.0, a, Transpose.None, b, Transpose.None, beta, c);

        if (rescued)
        {
            GemmReport report = scheduler.Run(GemmProblem<double>.Create(1.0, a, Transpose.None, b, Transpose.None, beta, c));
            expected.AssertMatches(c, "re-run on the device that sat out");
            Assert.That(report.Devices.Single(d => d.DeviceId == "fast:0").Error, Does.Contain("injected fault"));
            Assert.That(report.Devices.Single(d => d.DeviceId == "slow:0").Tiles, Is.GreaterThan(0));
        }
        else
        {
            // With β ≠ 0 the failed device may have written β·C into tiles already: running them again would apply β
            // twice, so the failure stands and names the device.
            var e = Assert.Throws<GemmFailedException>(() => scheduler.Run(GemmProblem<double>.Create(1.0, a, Transpose.None, b, Transpose.None, beta, c)));
            Assert.That(e!.Failures.Select(f => f.DeviceId), Is.EqualTo(new[] { "fast:0" }));
        }
    }

    [Test]
    public void RunAsync_Cancelled_StopsBeforeTheNextTileAndThrows()
    {
        using var slow = new ThrottledDevice("slow:0", 0.005); // a 16×16×32 tile takes ~3 ms
        var scheduler = new GemmScheduler([slow], SchedulingPolicy.Adaptive, 1, SmallTiles);
        HostMatrix<float> a = TestMatrices.Random<float>(256, 32, 1), b = TestMatrices.Random<float>(32, 256, 2);
        using var cancel = new CancellationTokenSource();
        int reported = 0;
        var progress = new SynchronousProgress(p =>
        {
            if (Interlocked.Increment(ref reported) == 5)
            {
                cancel.Cancel();
            }
        });

        Task<GemmReport> task = scheduler.RunAsync(
            GemmProblem<float>.Create(1f, a, Transpose.None, b, Transpose.None, 0f, new HostMatrix<float>(256, 256)), progress, cancel.Token);

        Assert.That(() => task.GetAwaiter().GetResult(), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(slow.Calls, Is.InRange(5, 6), "stops within one tile of the cancellation (256 tiles planned)");
    }

    [Test]
    public async Task RunAsync_ReportsProgressUpToTheTotal()
    {
        using var one = new ThrottledDevice("one:0", 100);
        using var two = new ThrottledDevice("two:0", 100);
        var scheduler = new GemmScheduler([one, two], SchedulingPolicy.Adaptive, 1, SmallTiles);
        HostMatrix<double> a = TestMatrices.Random<double>(48, 16, 1), b = TestMatrices.Random<double>(16, 40, 2);
        var c = new HostMatrix<double>(48, 40);
        var seen = new List<GemmProgress>();
        var progress = new SynchronousProgress(p =>
        {
            lock (seen)
            {
                seen.Add(p);
            }
        });

        GemmReport report = await scheduler.RunAsync(GemmProblem<double>.Create(1.0, a, Transpose.None, b, Transpose.None, 0.0, c), progress, default);

        Assert.That(seen, Has.Count.EqualTo(report.Trace.Count));
        Assert.That(seen.Max(p => p.TilesDone), Is.EqualTo(seen[0].TilesTotal));
        ReferenceGemm.Compute(1.0, a, Transpose.None, b, Transpose.None, 0.0, c).AssertMatches(c, "async");
    }

    [Test]
    public void Run_AdaptiveOverDevicesOfDifferentSpeeds_SharesFollowSpeeds()
    {
        // Speeds 1:4; each 16×16×200 tile takes ~20 ms on the slow device and ~5 ms on the fast one.
        using var slow = new ThrottledDevice("slow:0", 0.005);
        using var fast = new ThrottledDevice("fast:0", 0.020);
        var scheduler = new GemmScheduler([slow, fast], SchedulingPolicy.Adaptive, 1, SmallTiles);
        HostMatrix<float> a = TestMatrices.Random<float>(96, 200, 1), b = TestMatrices.Random<float>(200, 64, 2);

        GemmReport report = scheduler.Run(GemmProblem<float>.Create(1f, a, Transpose.None, b, Transpose.None, 0f, new HostMatrix<float>(96, 64)));

        int slowTiles = report.Devices[0].Tiles, fastTiles = report.Devices[1].Tiles;
        Assert.That(slowTiles + fastTiles, Is.EqualTo(24));
        Assert.That(fastTiles, Is.GreaterThanOrEqualTo(2 * slowTiles), $"fast {fastTiles} vs slow {slowTiles} tiles (ideal 4:1)");
        Assert.That(slowTiles, Is.GreaterThan(0), "the slow device still helps");
    }

    [Test]
    public void Run_DeviceFarTooSlowToHelp_IsLeftOutAndTheResultIsRight()
    {
        // 5000:1: the slow device's share would be a small fraction of one tile, so it would only straggle.
        using var fast = new ThrottledDevice("fast:0", 5);
        using var slow = new ThrottledDevice("slow:0", 0.001);
        var scheduler = new GemmScheduler([fast, slow], SchedulingPolicy.Adaptive, 1, SmallTiles);
        HostMatrix<double> a = TestMatrices.Random<double>(64, 64, 1), b = TestMatrices.Random<double>(64, 64, 2);
        var c = new HostMatrix<double>(64, 64);

        GemmReport report = scheduler.Run(GemmProblem<double>.Create(1.0, a, Transpose.None, b, Transpose.None, 0.0, c));

        Assert.That(report.Devices.Single(d => d.DeviceId == "slow:0"), Has.Property(nameof(DeviceShare.Tiles)).EqualTo(0).And.Property(nameof(DeviceShare.Error)).Null);
        Assert.That(report.Devices.Single(d => d.DeviceId == "fast:0").Tiles, Is.EqualTo(16));
        ReferenceGemm.Compute(1.0, a, Transpose.None, b, Transpose.None, 0.0, c).AssertMatches(c, "slow device left out");
    }

    /// <summary>An IProgress that reports on the worker's thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<GemmProgress> report) : IProgress<GemmProgress>
    {
        public void Report(GemmProgress value) => report(value);
    }
}
