using GpuCompute.Gemm;
using GpuCompute.Scheduling;
using NUnit.Framework;

namespace GpuCompute.Tests.Scheduling;

/// <summary>The dispatcher's rules, driven by hand (no threads, no time).</summary>
public sealed class TileDispatcherTests
{
    private static GemmWorkload Grid(int tilesPerSide, int edge = 100, int k = 100) =>
        new(Enumerable.Range(0, tilesPerSide * tilesPerSide)
            .Select(i => new GemmTile(i / tilesPerSide * edge, i % tilesPerSide * edge, edge, edge)).ToArray(), k, 4, readsC: false);

    [Test]
    public void Fail_QueuedAndInFlightTilesGoToTheOtherDevices()
    {
        GemmWorkload work = Grid(2);
        var dispatcher = TileDispatcher.Create(SchedulingPolicy.RoundRobin, work, [new DeviceModel(1), new DeviceModel(1)], 0);
        Assert.That(dispatcher.TryTake(0, out int first), Is.EqualTo(TakeResult.Item));
        dispatcher.Fail(0, first);
        Assert.That(dispatcher.TryTake(0, out _), Is.EqualTo(TakeResult.Finished), "a failed device gets no more work");
        var taken = new List<int>();
        while (dispatcher.TryTake(1, out int tile) == TakeResult.Item)
        {
            taken.Add(tile);
            dispatcher.Complete(1, tile, 1);
        }

        Assert.That(taken.Order(), Is.EqualTo(new[] { 0, 1, 2, 3 }));
        Assert.That(dispatcher.IsComplete, Is.True);
    }

    [Test]
    public void TryTake_NothingLeftButAnotherDeviceBusy_Waits()
    {
        GemmWorkload work = Grid(1);
        var dispatcher = TileDispatcher.Create(SchedulingPolicy.RoundRobin, work, [new DeviceModel(1), new DeviceModel(1)], 0);
        Assert.That(dispatcher.TryTake(0, out int tile), Is.EqualTo(TakeResult.Item));
        Assert.That(dispatcher.TryTake(1, out _), Is.EqualTo(TakeResult.Wait), "device 0 might still fail");
        dispatcher.Complete(0, tile, 1);
        Assert.That(dispatcher.TryTake(1, out _), Is.EqualTo(TakeResult.Finished));
        Assert.That(dispatcher.TryTake(0, out _), Is.EqualTo(TakeResult.Finished));
    }

    [Test]
    public void Adaptive_IdleDevice_StealsFromAStalledQueueOnlyWhileItIsSooner()
    {
        // Six 2-MFLOP tiles; the fast device takes 0.5 s a tile, the slow one 1 s. Planned fast: 4, slow: 2.
        GemmWorkload work = new(Enumerable.Range(0, 6).Select(i => new GemmTile(i * 100, 0, 100, 100)).ToArray(), 100, 4, readsC: false);
        var dispatcher = TileDispatcher.WithQueues(work, [new DeviceModel(0.004), new DeviceModel(0.002)], [[0, 1, 2, 3], [4, 5]], steals: true);
        Assert.That(new[] { dispatcher.Queued(0), dispatcher.Queued(1) }, Is.EqualTo(new[] { 4, 2 }));

        // The fast device stalls (never asks). The slow one finishes its own two tiles, then steals while one of its
        // tiles (1 s) ends before the fast device's queued work (4 × 0.5 s, then 3 × 0.5 s), and stops at 2 × 0.5 s.
        int slowTiles = 0;
        while (dispatcher.TryTake(1, out int tile) == TakeResult.Item)
        {
            dispatcher.Complete(1, tile, 1.0);
            slowTiles++;
        }

        Assert.That(slowTiles, Is.EqualTo(4));
        Assert.That(dispatcher.Queued(0), Is.EqualTo(2));
        Assert.That(dispatcher.TryTake(1, out _), Is.EqualTo(TakeResult.Wait), "the fast device's tiles are still owed");
    }

    [Test]
    public void Create_Adaptive_Throws_ItPlansItsOwnTiles() =>
        Assert.Throws<ArgumentException>(() => TileDispatcher.Create(SchedulingPolicy.Adaptive, Grid(2), [new DeviceModel(1)], 0));

    [Test]
    public void Complete_WrongTile_Throws()
    {
        var dispatcher = TileDispatcher.Create(SchedulingPolicy.RoundRobin, Grid(2), [new DeviceModel(1)], 0);
        dispatcher.TryTake(0, out int tile);
        Assert.Throws<InvalidOperationException>(() => dispatcher.Complete(0, tile + 1, 1));
    }

    [Test]
    public void DeviceModel_InvalidValues_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DeviceModel(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DeviceModel(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DeviceModel(1, bandwidthBytesPerSecond: 0));
    }

    [Test]
    public void DeviceModel_Observe_LearnsPerShapeAndMovesTheBaseTowardsTheMeasuredSpeed()
    {
        var model = new DeviceModel(100);
        var square = new GemmTile(0, 0, 1000, 1000);
        var thin = new GemmTile(0, 0, 1000, 16);
        for (int i = 0; i < 30; i++)
        {
            model.Observe(square, k: 1000, bytes: 0, seconds: 2e9 / 200e9); // 200 GFLOP/s on square tiles
        }

        Assert.That(model.GflopsFor(square, 1000), Is.EqualTo(200).Within(1));
        Assert.That(model.Gflops, Is.EqualTo(200).Within(1), "the base follows too");

        model.Observe(thin, k: 1000, bytes: 0, seconds: thin.Flops(1000) / 20e9); // 20 GFLOP/s on thin tiles
        Assert.That(model.GflopsFor(thin, 1000), Is.EqualTo(20).Within(0.01), "the first tile of a shape sets it");
        Assert.That(model.GflopsFor(square, 1000), Is.EqualTo(200).Within(1), "other shapes keep theirs");

        var restored = new DeviceModel(50);
        restored.Restore(model.ShapeThroughputs());
        Assert.That(restored.GflopsFor(thin, 1000), Is.EqualTo(20).Within(0.01));
        Assert.That(restored.GflopsFor(new GemmTile(0, 0, 7, 7), 7), Is.EqualTo(50), "unseen shapes use the base");
    }
}
