using CsCheck;
using GpuCompute.Gemm;
using GpuCompute.Scheduling;
using NUnit.Framework;

namespace GpuCompute.Tests.Scheduling;

/// <summary>The adaptive policy's partition of C: blocks and tiles that cover C exactly once, sized by speed and link.</summary>
public sealed class BlockPartitionTests
{
    private static readonly TilePlanner Limits = new(256, 8192, 2.0 * 256 * 256 * 256, 64);

    [Test]
    public void RandomDevicesAndShapes_BlocksAndTilesCoverCExactlyOnce()
    {
        Gen.Select(Gen.Int[1, 9], Gen.Int[1, 40000], Gen.Int[1, 40000], Gen.Int[1, 70000], Gen.Int, Gen.Bool).Sample(
            (devices, m, n, k, seed, readsC) =>
            {
                var random = new Random(seed);
                DeviceModel[] models = Enumerable.Range(0, devices).Select(_ => Model(random)).ToArray();
                GemmPartition plan = BlockPartition.Plan(Limits, m, n, k, 4, readsC, models);
                string what = $"{m}x{n}x{k} on [{string.Join(", ", models.Select(x => $"{x.Gflops:F0}@{x.BandwidthBytesPerSecond:G3}"))}]";

                AssertCoversOnce(plan.Work.Tiles, m, n, what + " tiles");
                AssertCoversOnce(plan.Blocks.Where(b => b is not null).Select(b => b!.Value).ToArray(), m, n, what + " blocks");
                Assert.That(plan.Queues.SelectMany(q => q).Order(), Is.EqualTo(Enumerable.Range(0, plan.Work.Count)), what + ": each tile queued once");
                for (int d = 0; d < devices; d++)
                {
                    if (plan.Blocks[d] is GemmTile block && plan.Work.Count > 1)
                    {
                        Assert.That(plan.Queues[d].Select(t => plan.Work.Tiles[t]), Has.All.Matches<GemmTile>(t => Inside(t, block)), $"{what}: device {d}'s tiles lie in its block");
                    }
                }
            },
            iter: 300,
            threads: 1);
    }

    [Test]
    public void FreeTransfers_AreasFollowSpeed()
    {
        GemmPartition plan = BlockPartition.Plan(Limits, 30000, 30000, 30000, 4, false, [new DeviceModel(1000), new DeviceModel(2000), new DeviceModel(8000)]);
        double[] areas = plan.Blocks.Select(b => (double)b!.Value.Rows * b.Value.Cols / (30000.0 * 30000)).ToArray();
        Assert.That(areas, Is.EqualTo(new[] { 1 / 11.0, 2 / 11.0, 8 / 11.0 }).Within(0.005));
    }

    [Test]
    public void SlowLink_GetsLessThanItsThroughputShare()
    {
        // 4x the CPU's flops, but every byte over 0.1 GB/s: the link limits the GPU, so the CPU takes more than 1/5.
        GemmPartition plan = BlockPartition.Plan(Limits, 8192, 8192, 8192, 4, false, [new DeviceModel(400, 1e8, overlapsTransfers: true), new DeviceModel(100)]);
        double gpu = Area(plan.Blocks[0]) / (8192.0 * 8192);
        Assert.That(gpu, Is.LessThan(0.8 * 0.9), "the link, not the flops, sets the GPU's share");
        Assert.That(gpu, Is.GreaterThan(0.05));
    }

    [Test]
    public void FastStreamingDevice_GetsLargerBlocksAndTilesThanTheCpu()
    {
        DeviceModel[] models = [new DeviceModel(20000, 25e9, overlapsTransfers: true), new DeviceModel(1000)];
        GemmPartition plan = BlockPartition.Plan(Limits, 32768, 32768, 32768, 4, false, models);
        double MeanTile(int d) => plan.Queues[d].Average(t => (double)plan.Work.Tiles[t].Rows * plan.Work.Tiles[t].Cols);
        Assert.That(Area(plan.Blocks[0]), Is.GreaterThan(10 * Area(plan.Blocks[1])));
        Assert.That(MeanTile(0), Is.GreaterThan(MeanTile(1)), "the GPU's tiles are larger than the CPU's");
    }

    [Test]
    public void DeviceTooSlowToHelp_GetsNoBlock()
    {
        GemmPartition plan = BlockPartition.Plan(Limits, 8192, 8192, 8192, 8, false, [new DeviceModel(500), new DeviceModel(0.05)]);
        Assert.That(plan.Blocks[1], Is.Null);
        Assert.That(plan.Queues[1], Is.Empty);
        Assert.That(plan.Blocks[0], Is.EqualTo(new GemmTile(0, 0, 8192, 8192)));
    }

    [Test]
    public void SmallMemory_TakesTheLargestTiles()
    {
        // 1 GB cannot hold the GPU's panels (≈ 2 × 26000 × 32768 × 4 bytes): every tile re-reads some, so tiles are large.
        var model = new DeviceModel(20000, 25e9, overlapsTransfers: true, memoryBytes: 1e9);
        GemmPartition plan = BlockPartition.Plan(Limits, 32768, 32768, 32768, 4, false, [model, new DeviceModel(1000)]);
        Assert.That(plan.Queues[0].Select(t => plan.Work.Tiles[t]), Has.All.Matches<GemmTile>(t => t.Rows >= 0.7 * Limits.MaxEdge || t.Rows == plan.Blocks[0]!.Value.Rows));
    }

    [Test]
    public void EngineDevices_AGpuThatCopiesInTurn_GetsLargerTilesThanTheCpu()
    {
        // The engine's planner and models: real GPUs are planned as copying in turn (no overlap yet).
        DeviceModel[] models = [new DeviceModel(20000, 25e9), new DeviceModel(1000)];
        GemmPartition plan = BlockPartition.Plan(TilePlanner.Default, 16384, 16384, 16384, 4, false, models);
        double MeanTile(int d) => plan.Queues[d].Average(t => (double)plan.Work.Tiles[t].Rows * plan.Work.Tiles[t].Cols);
        Assert.That(MeanTile(0), Is.GreaterThan(MeanTile(1)));
        Assert.That(plan.Work.Tiles, Has.All.Matches<GemmTile>(t => t.Rows <= 4096 && t.Cols <= 4096), "within the planner's largest edge");
    }

    [Test]
    public void EmptyC_HasNoTiles() =>
        Assert.That(BlockPartition.Plan(Limits, 0, 100, 100, 4, false, [new DeviceModel(1), new DeviceModel(2)]).Work.Count, Is.Zero);

    [Test]
    public void Dispatcher_DeviceHoldingSeveralTilesFails_AllOfThemRerunElsewhere()
    {
        var work = new GemmWorkload(Enumerable.Range(0, 4).Select(i => new GemmTile(i * 10, 0, 10, 10)).ToArray(), 10, 4, readsC: false);
        var dispatcher = TileDispatcher.WithQueues(work, [new DeviceModel(1), new DeviceModel(1)], [[0, 1, 2], [3]], steals: false);
        dispatcher.TryTake(0, out int first);
        dispatcher.TryTake(0, out int second);
        dispatcher.Fail(0, second);

        var rerun = new List<int>();
        while (dispatcher.TryTake(1, out int tile) == TakeResult.Item)
        {
            dispatcher.Complete(1, tile, 1);
            rerun.Add(tile);
        }

        Assert.That(rerun.Order(), Is.EqualTo(new[] { 0, 1, 2, 3 }), $"held {first} and {second}, queued 2, own 3");
        Assert.That(dispatcher.IsComplete, Is.True);
    }

    private static DeviceModel Model(Random random) => random.Next(3) switch
    {
        0 => new DeviceModel(10 + (random.NextDouble() * 2000)),
        1 => new DeviceModel(100 + (random.NextDouble() * 50000), (0.5 + (random.NextDouble() * 50)) * 1e9, overlapsTransfers: true, memoryBytes: random.Next(2) == 0 ? double.PositiveInfinity : 1e9 * (1 + random.Next(16))),
        _ => new DeviceModel(100 + (random.NextDouble() * 20000), (0.5 + (random.NextDouble() * 50)) * 1e9),
    };

    private static double Area(GemmTile? block) => block is GemmTile b ? (double)b.Rows * b.Cols : 0;

    private static bool Inside(GemmTile t, GemmTile b) => t.Row >= b.Row && t.Col >= b.Col && t.Row + t.Rows <= b.Row + b.Rows && t.Col + t.Cols <= b.Col + b.Cols;

    /// <summary>Non-empty rectangles inside C whose areas sum to C's and that do not overlap cover C exactly once.</summary>
    private static void AssertCoversOnce(IReadOnlyList<GemmTile> tiles, int m, int n, string what)
    {
        Assert.That(tiles, Has.All.Matches<GemmTile>(t => t.Rows > 0 && t.Cols > 0 && t.Row >= 0 && t.Col >= 0 && t.Row + t.Rows <= m && t.Col + t.Cols <= n), what + ": inside C, not empty");
        Assert.That(tiles.Sum(t => (double)t.Rows * t.Cols), Is.EqualTo((double)m * n), what + ": areas sum to C's");
        var sorted = tiles.OrderBy(t => t.Row).ToArray();
        for (int i = 0; i < sorted.Length; i++)
        {
            for (int j = i + 1; j < sorted.Length && sorted[j].Row < sorted[i].Row + sorted[i].Rows; j++)
            {
                bool overlap = sorted[j].Col < sorted[i].Col + sorted[i].Cols && sorted[i].Col < sorted[j].Col + sorted[j].Cols;
                Assert.That(overlap, Is.False, $"{what}: {sorted[i]} overlaps {sorted[j]}");
            }
        }
    }
}
