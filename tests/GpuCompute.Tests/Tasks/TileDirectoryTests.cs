using GpuCompute.Tasks;
using NUnit.Framework;

namespace GpuCompute.Tests.Tasks;

/// <summary>The tile books on their own: copies valid in several places at once, a write leaving one valid copy,
/// write-back when host memory needs a tile a device holds alone, least-recently-used eviction under a budget (never
/// of a copy a running task holds), and what a failed device loses.</summary>
public sealed class TileDirectoryTests
{
    private const int Host = TileDirectory.Host;

    private static TileDirectory Books(long budget0 = 1000, long budget1 = 1000, int tiles = 8)
    {
        var books = new TileDirectory([budget0, budget1]);
        for (int h = 0; h < tiles; h++)
        {
            books.Register(h, 100);
        }

        return books;
    }

    private static TileTransferKind[] Kinds(IReadOnlyList<TileTransfer> steps) => [.. steps.Select(s => s.Kind)];

    private static void Use(TileDirectory books, int handle, int device, DataAccess access)
    {
        books.Acquire(handle, device, access);
        books.Release(handle, device, access, succeeded: true);
    }

    [Test]
    public void Read_OnTwoDevices_BothKeepAValidCopy_TheSecondReadIsAHit()
    {
        var books = Books();
        Assert.That(Kinds(books.Acquire(0, 0, DataAccess.Read)), Is.EqualTo(new[] { TileTransferKind.Allocate, TileTransferKind.Upload }));
        books.Release(0, 0, DataAccess.Read, true);
        Assert.That(Kinds(books.Acquire(0, 1, DataAccess.Read)), Is.EqualTo(new[] { TileTransferKind.Allocate, TileTransferKind.Upload }));
        books.Release(0, 1, DataAccess.Read, true);
        Assert.That(books.Acquire(0, 0, DataAccess.Read), Is.Empty, "still valid on device 0");
        Assert.That(books.Hits, Is.EqualTo(1));
        Assert.That(books.MissingBytes([(0, DataAccess.Read)], 1), Is.Zero);
        Assert.That(books.MissingBytes([(0, DataAccess.Read)], Host), Is.Zero);
    }

    [Test]
    public void Write_OnADevice_InvalidatesEveryOtherCopy_AndHostMemory()
    {
        var books = Books();
        Use(books, 0, 0, DataAccess.Read);
        Use(books, 0, 1, DataAccess.Read);
        books.Acquire(0, 1, DataAccess.ReadWrite);
        var steps = books.Release(0, 1, DataAccess.ReadWrite, true);
        Assert.That(steps, Is.EqualTo(new[] { new TileTransfer(TileTransferKind.Free, 0, 0, 100) }), "device 0's copy is stale");
        Assert.That(books.MissingBytes([(0, DataAccess.Read)], Host), Is.EqualTo(100), "host memory is stale");
        Assert.That(books.MissingBytes([(0, DataAccess.Read)], 0), Is.EqualTo(200), "device 0 needs a write-back, then an upload");
    }

    [Test]
    public void HostRead_OfATileOnlyADeviceHolds_WritesItBackFirst()
    {
        var books = Books();
        Use(books, 3, 0, DataAccess.ReadWrite);
        Assert.That(books.Acquire(3, Host, DataAccess.Read), Is.EqualTo(new[] { new TileTransfer(TileTransferKind.Download, 3, 0, 100) }));
        Assert.That(books.Acquire(3, 0, DataAccess.Read), Is.Empty, "the device's copy stays valid beside host memory");
    }

    [Test]
    public void HostWrite_DropsTheDevicesCopies_WithoutWritingThemBack()
    {
        var books = Books();
        Use(books, 3, 0, DataAccess.Read);
        Use(books, 3, 1, DataAccess.Read);
        var steps = books.Acquire(3, Host, DataAccess.Write);
        Assert.That(Kinds(steps), Is.EqualTo(new[] { TileTransferKind.Free, TileTransferKind.Free }));
        Assert.That(books.UsedBytes, Is.EqualTo(new long[] { 0, 0 }));
    }

    [Test]
    public void ReadOfATileAnotherDeviceHoldsAlone_GoesThroughHostMemory()
    {
        var books = Books();
        Use(books, 5, 0, DataAccess.Write);
        Assert.That(Kinds(books.Acquire(5, 1, DataAccess.Read)), Is.EqualTo(new[] { TileTransferKind.Allocate, TileTransferKind.Download, TileTransferKind.Upload }));
    }

    [Test]
    public void Budget_EvictsTheLeastRecentlyUsedCopy_WritingBackOnlyTheOnlyValidOne()
    {
        var books = Books(budget0: 300);
        Use(books, 0, 0, DataAccess.Read);      // clean copy
        Use(books, 1, 0, DataAccess.ReadWrite); // the only valid copy
        Use(books, 2, 0, DataAccess.Read);
        Use(books, 0, 0, DataAccess.Read);      // 0 is now the most recent: 1 is the oldest
        var steps = books.Acquire(3, 0, DataAccess.Read);
        Assert.That(steps.Take(2), Is.EqualTo(new[] { new TileTransfer(TileTransferKind.Download, 1, 0, 100), new TileTransfer(TileTransferKind.Free, 1, 0, 100) }));
        books.Release(3, 0, DataAccess.Read, true);
        steps = books.Acquire(4, 0, DataAccess.Read);
        Assert.That(steps[0], Is.EqualTo(new TileTransfer(TileTransferKind.Free, 2, 0, 100)), "a clean copy is dropped without a write-back");
        Assert.That(books.Evictions, Is.EqualTo(2));
        Assert.That(books.PeakBytes[0], Is.EqualTo(300));
        Assert.That(books.MissingBytes([(1, DataAccess.Read)], Host), Is.Zero, "the evicted tile is back in host memory");
    }

    [Test]
    public void Budget_NeverEvictsACopyARunningTaskHolds_ItRunsOverInstead()
    {
        var books = Books(budget0: 200);
        books.Acquire(0, 0, DataAccess.Read);
        books.Acquire(1, 0, DataAccess.Read);
        var steps = books.Acquire(2, 0, DataAccess.ReadWrite);
        Assert.That(steps.Select(s => s.Kind), Has.None.EqualTo(TileTransferKind.Free));
        Assert.That(books.OverBudget, Is.EqualTo(1));
        Assert.That(books.PeakBytes[0], Is.EqualTo(300));
    }

    [Test]
    public void DeviceFailure_LosesOnlyTheTilesItHeldAlone()
    {
        var books = Books();
        Use(books, 0, 0, DataAccess.Read);      // also valid on host
        Use(books, 1, 0, DataAccess.ReadWrite); // only here
        Use(books, 2, 0, DataAccess.Write);
        Use(books, 2, 1, DataAccess.Read);      // written back and copied to device 1 as well
        books.Fail(0);
        Assert.That(books.Lost, Is.EqualTo(new[] { 1 }));
        Assert.That(books.UsedBytes[0], Is.Zero);
        Assert.Throws<InvalidOperationException>(() => books.Acquire(1, 1, DataAccess.Read));
    }

    [Test]
    public void FailedWrite_DropsTheHalfWrittenCopy_AndKeepsTheHostOne()
    {
        var books = Books();
        books.Acquire(4, 0, DataAccess.ReadWrite);
        books.Release(4, 0, DataAccess.ReadWrite, succeeded: false);
        Assert.That(books.Lost, Is.Empty, "host memory still holds the value from before the task");
        Assert.That(books.MissingBytes([(4, DataAccess.Read)], Host), Is.Zero);
        Assert.That(books.UsedBytes[0], Is.Zero);
    }

    [Test]
    public void Flush_WritesBackEveryTileOnlyADeviceHolds_AndFreesEverything()
    {
        var books = Books();
        Use(books, 0, 0, DataAccess.ReadWrite);
        Use(books, 1, 1, DataAccess.ReadWrite);
        Use(books, 2, 1, DataAccess.Read);
        var steps = books.Flush();
        Assert.That(steps.Count(s => s.Kind == TileTransferKind.Download), Is.EqualTo(2));
        Assert.That(steps.Count(s => s.Kind == TileTransferKind.Free), Is.EqualTo(3));
        Assert.That(books.UsedBytes, Is.EqualTo(new long[] { 0, 0 }));
    }
}
