using GpuCompute.Gemm;
using GpuCompute.Scheduling;
using NUnit.Framework;

namespace GpuCompute.Tests.Scheduling;

public sealed class TilePlannerTests
{
    [TestCase(8192, 8192, 8192, 1)]
    [TestCase(4096, 4096, 4096, 3)]
    [TestCase(1000, 3000, 500, 2)]
    [TestCase(5000, 17, 900, 2)]
    [TestCase(257, 1025, 1023, 4)]
    public void Plan_LargeProduct_CoversCExactlyOnce(int m, int n, int k, int devices)
    {
        IReadOnlyList<GemmTile> tiles = TilePlanner.Default.Plan(m, n, k, devices);
        var covered = new int[m, n];
        foreach (GemmTile t in tiles)
        {
            Assert.That(t.Rows, Is.InRange(1, 4096));
            Assert.That(t.Cols, Is.InRange(1, 4096));
            for (int i = t.Row; i < t.Row + t.Rows; i++)
            {
                for (int j = t.Col; j < t.Col + t.Cols; j++)
                {
                    covered[i, j]++;
                }
            }
        }

        Assert.That(covered.Cast<int>().All(c => c == 1), Is.True, "every element of C in exactly one tile");
    }

    [Test]
    public void Plan_SmallProduct_IsOneTile() =>
        Assert.That(TilePlanner.Default.Plan(200, 200, 200, 4), Is.EqualTo(new[] { new GemmTile(0, 0, 200, 200) }));

    [Test]
    public void Plan_EmptyC_HasNoTiles_AndEmptyKIsOneTile()
    {
        Assert.That(TilePlanner.Default.Plan(0, 500, 500, 2), Is.Empty);
        Assert.That(TilePlanner.Default.Plan(5000, 5000, 0, 2), Has.Count.EqualTo(1));
    }

    [Test]
    public void Plan_OneDevice_KeepsProductsUpTo4096CubedWhole()
    {
        Assert.That(TilePlanner.Default.Plan(64, 20000, 512, 1), Is.EqualTo(new[] { new GemmTile(0, 0, 64, 20000) }));
        Assert.That(TilePlanner.Default.Plan(4096, 4096, 4096, 1), Has.Count.EqualTo(1));
        Assert.That(TilePlanner.Default.Plan(8192, 8192, 8192, 1), Has.Count.EqualTo(4));
    }

    [Test]
    public void Plan_MoreDevices_GivesSmallerTiles() =>
        Assert.That(TilePlanner.Default.Plan(2048, 2048, 2048, 8).Count, Is.GreaterThan(TilePlanner.Default.Plan(2048, 2048, 2048, 2).Count));
}
