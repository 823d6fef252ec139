using GpuCompute.Matrices;
using NUnit.Framework;

namespace GpuCompute.Tests.Matrices;

public sealed class HostMatrixTests
{
    [Test]
    public void Constructor_NegativeSize_ThrowsNamingTheSizes()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new HostMatrix<float>(-1, 4));
        Assert.That(e!.Message, Does.Contain("-1 x 4"));
    }

    [Test]
    public void Constructor_ElementCountOverflows_Throws()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new HostMatrix<double>(100_000, 100_000));
        Assert.That(e!.Message, Does.Contain("100000 x 100000").And.Contain("10000000000"));
    }

    [Test]
    public void Constructor_LeadingDimensionTooSmall_Throws()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new HostMatrix<float>(new float[100], 4, 5, 4));
        Assert.That(e!.Message, Does.Contain("leading dimension 4").And.Contain("5 columns"));
    }

    [Test]
    public void Constructor_ArrayTooSmall_ThrowsNamingNeededLength()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new HostMatrix<float>(new float[20], 4, 5, 6, 2));
        Assert.That(e!.Message, Does.Contain("needs 25").And.Contain("has 20"));
    }

    [Test]
    public void Constructor_NullArrayOrNegativeOffset_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => new HostMatrix<float>(null!, 1, 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HostMatrix<float>(new float[4], 1, 1, 1, -1));
    }

    [Test]
    public void Constructor_UnsupportedElementType_ThrowsNotSupported() =>
        Assert.Throws<NotSupportedException>(() => new HostMatrix<Half>(2, 2));

    [Test]
    public void Slice_SharesMemoryAndIndexesWithTheLeadingDimension()
    {
        var m = new HostMatrix<double>(5, 7);
        HostMatrix<double> view = m.Slice(1, 2, 3, 4);
        view[2, 3] = 42;
        Assert.Multiple(() =>
        {
            Assert.That(m[3, 5], Is.EqualTo(42));
            Assert.That(view.LeadingDimension, Is.EqualTo(7));
            Assert.That(view.IsContiguous, Is.False);
            Assert.That(view.Slice(1, 1, 2, 2)[1, 2 - 1], Is.EqualTo(0));
        });
    }

    [Test]
    public void Slice_OutsideTheMatrix_ThrowsNamingTheBlock()
    {
        var m = new HostMatrix<float>(5, 7);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => m.Slice(3, 0, 3, 7));
        Assert.That(e!.Message, Does.Contain("3 x 7 block at (3, 0)").And.Contain("5 x 7"));
        Assert.DoesNotThrow(() => m.Slice(5, 7, 0, 0));
    }

    [Test]
    public void Indexer_OutOfRange_Throws()
    {
        var m = new HostMatrix<float>(2, 3);
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = m[2, 0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = m[0, 3]);
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = m[-1, 0]);
    }

    [Test]
    public void CopyFrom_DifferentShape_Throws() =>
        Assert.Throws<ArgumentException>(() => new HostMatrix<float>(2, 3).CopyFrom(new HostMatrix<float>(3, 2)));
}
