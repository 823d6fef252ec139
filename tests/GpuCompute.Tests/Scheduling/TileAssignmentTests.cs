using GpuCompute.Scheduling;
using NUnit.Framework;

namespace GpuCompute.Tests.Scheduling;

public sealed class TileAssignmentTests
{
    [Test]
    public void Weighted_SharesFollowWeightsInContiguousRuns()
    {
        int[][] queues = TileAssignment.Assign(SchedulingPolicy.Weighted, 100, [1.0, 2.0, 7.0], seed: 0);
        Assert.That(queues.Select(q => q.Length), Is.EqualTo(new[] { 10, 20, 70 }));
        Assert.That(queues.SelectMany(q => q), Is.EqualTo(Enumerable.Range(0, 100)), "contiguous, in order, each once");
    }

    [Test]
    public void Weighted_RoundsByLargestRemainder_AndAlwaysAssignsEveryTile()
    {
        Assert.That(TileAssignment.Shares(10, [1.0, 1.0, 1.0]), Is.EqualTo(new[] { 4, 3, 3 }));
        Assert.That(TileAssignment.Shares(16, [200.0, 0.5]), Is.EqualTo(new[] { 16, 0 }));
        Assert.That(TileAssignment.Shares(7, [0.3, 0.3, 0.4]).Sum(), Is.EqualTo(7));
    }

    [Test]
    public void Weighted_InvalidWeights_Throw()
    {
        Assert.Throws<ArgumentException>(() => TileAssignment.Shares(4, [0.0, 0.0]));
        Assert.Throws<ArgumentException>(() => TileAssignment.Shares(4, [double.NaN, 1.0]));
        Assert.Throws<ArgumentException>(() => TileAssignment.Shares(4, [-1.0, 2.0]));
    }

    [Test]
    public void RoundRobin_IgnoresWeights()
    {
        int[][] queues = TileAssignment.Assign(SchedulingPolicy.RoundRobin, 7, [1.0, 100.0], seed: 0);
        Assert.That(queues[0], Is.EqualTo(new[] { 0, 2, 4, 6 }));
        Assert.That(queues[1], Is.EqualTo(new[] { 1, 3, 5 }));
    }

    [Test]
    public void Random_IsRepeatableForASeedAndAssignsEveryTileOnce()
    {
        int[][] first = TileAssignment.Assign(SchedulingPolicy.Random, 50, [1.0, 1.0, 1.0], seed: 99);
        int[][] again = TileAssignment.Assign(SchedulingPolicy.Random, 50, [1.0, 1.0, 1.0], seed: 99);
        int[][] other = TileAssignment.Assign(SchedulingPolicy.Random, 50, [1.0, 1.0, 1.0], seed: 100);
        Assert.That(again, Is.EqualTo(first));
        Assert.That(other, Is.Not.EqualTo(first));
        Assert.That(first.SelectMany(q => q).Order(), Is.EqualTo(Enumerable.Range(0, 50)));
    }

    [Test]
    public void PolicyNames_ParseAndNameRoundTrip()
    {
        foreach (SchedulingPolicy policy in Enum.GetValues<SchedulingPolicy>())
        {
            Assert.That(SchedulingPolicyNames.Parse(SchedulingPolicyNames.Name(policy).ToUpperInvariant()), Is.EqualTo(policy));
        }

        var e = Assert.Throws<ArgumentException>(() => SchedulingPolicyNames.Parse("adaptive-ish"));
        Assert.That(e!.Message, Does.Contain("round-robin"));
    }
}
