using GpuCompute.Cluster.App;
using GpuCompute.Cluster.Contracts;
using GpuCompute.Cluster.Node;
using GpuCompute.Cluster.Transport;
using GpuCompute.Matrices;
using NUnit.Framework;

namespace GpuCompute.Cluster.Tests;

/// <summary>The data plane's pieces without a cluster: chunks of strided views round-trip exactly at every chunk
/// size, a corrupt chunk is refused, sizes near Orleans' message limit are refused before anything is sent, and the
/// node and cluster command lines name what is wrong.</summary>
public sealed class TransportTests
{
    [Test]
    public void Chunks_OfAStridedView_RoundTripExactly([Values(64, 100, 4096, 1 << 20)] int chunkBytes)
    {
        var random = new Random(chunkBytes);
        var big = new HostMatrix<double>(50, 70);
        for (int i = 0; i < big.Data.Length; i++)
        {
            big.Data[i] = random.NextDouble();
        }

        HostMatrix<double> view = big.Slice(3, 5, 41, 37);
        var key = new PanelKey(Guid.NewGuid(), 1, 'A', 3, 41, 37, "f64");
        var copy = new HostMatrix<double>(41, 37);
        PanelChunk[] chunks = [.. Chunks.Panel(key, view, chunkBytes)];
        Assert.That(chunks, Has.Length.EqualTo(Chunks.Count(key.Bytes, 8, chunkBytes)));
        Assert.That(chunks.Max(c => c.Bytes.Value.Length), Is.LessThanOrEqualTo(Math.Max(8, chunkBytes)));
        foreach (PanelChunk chunk in chunks.Reverse())
        {
            Chunks.Verify(chunk.Bytes.Value, chunk.Checksum, "test");
            Chunks.Scatter(chunk.Bytes.Value, chunk.Offset, copy);
        }

        for (int i = 0; i < 41; i++)
        {
            Assert.That(copy.Row(i).ToArray(), Is.EqualTo(view.Row(i).ToArray()), $"row {i}");
        }
    }

    [Test]
    public void ACorruptChunk_IsRefused_NamingIt()
    {
        var key = new PanelKey(Guid.NewGuid(), 1, 'B', 0, 4, 4, "f32");
        PanelChunk chunk = Chunks.Panel(key, new HostMatrix<float>(4, 4), 1 << 20).Single();
        chunk.Bytes.Value[3] ^= 1;
        var error = Assert.Throws<InvalidDataException>(() => Chunks.Verify(chunk.Bytes.Value, chunk.Checksum, "Chunk 0 of B"));
        Assert.That(error!.Message, Does.Contain("Chunk 0 of B").And.Contain("corrupt"));
    }

    [Test]
    public void ChunksNearOrleansMessageLimit_AreRefusedBeforeSending()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Chunks.CheckSize(100 << 20, "ChunkBytes"));
        Assert.That(error!.Message, Does.Contain("100 MB").And.Contain((100 << 20).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new RemoteNodeDevice(new NodeInfo("x", 1, [], 1, 1, 1 << 30), null!, "silo", Guid.NewGuid()) { ChunkBytes = 80 << 20 });
        Assert.Throws<ArgumentOutOfRangeException>(() => Chunks.CheckSize(16, "ChunkBytes"));
    }

    [TestCase("--name", "Bad_Name", "lowercase")]
    [TestCase("--gateway", "70000", "--gateway")]
    [TestCase("--threads", "0", "--threads")]
    [TestCase("--listen", "localhost", "--listen")]
    [TestCase("--bogus", "1", "Unknown option")]
    public void NodeArguments_NameWhatIsWrong(string option, string value, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => NodeArguments.Parse([option, value]));
        Assert.That(error!.Message, Does.Contain(expected));
    }

    [Test]
    public void NodeArguments_RefuseTwoMembershipKinds_AndRepeatedOptions()
    {
        Assert.That(Assert.Throws<ArgumentException>(() => NodeArguments.Parse(["--primary", "127.0.0.1:1", "--redis", "127.0.0.1:6379"]))!.Message, Does.Contain("exclude"));
        Assert.That(Assert.Throws<ArgumentException>(() => NodeArguments.Parse(["--threads", "1", "--threads", "2"]))!.Message, Does.Contain("twice"));
        Assert.That(Assert.Throws<ArgumentException>(() => NodeArguments.Parse(["--threads"]))!.Message, Does.Contain("needs a value"));
    }

    [TestCase("", "empty")]
    [TestCase("127.0.0.1", "IP:PORT")]
    [TestCase("127.0.0.1:30000;cluster=", "cluster=ID")]
    [TestCase("127.0.0.1:30000;timeout=-1", "timeout=SECONDS")]
    [TestCase("redis=", "Redis")]
    public void ClusterSpec_NamesWhatIsWrong(string spec, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => ClusterSpec.Parse(spec));
        Assert.That(error!.Message, Does.Contain(expected));
    }

    [Test]
    public void AMalformedClusterSpec_IsRefusedByTheEngine_NamingTheFormat()
    {
        var error = Assert.Throws<ArgumentException>(() => new ComputeEngine(new ComputeEngineOptions { Cluster = "nonsense", PersistModels = false }));
        Assert.That(error!.Message, Does.Contain("IP:PORT"));
    }
}
