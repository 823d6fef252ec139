using GpuCompute.Cluster.Contracts;
using GpuCompute.Cluster.Node;
using GpuCompute.Cluster.Transport;
using GpuCompute.Matrices;
using NUnit.Framework;

namespace GpuCompute.Cluster.Tests;

/// <summary>A node's panel store and tile computation without Orleans: chunks of one panel arriving together count
/// its bytes once, a full store evicts the least recently used panel and then names it as missing, and a tile computed
/// from chunked panels comes back right.</summary>
public sealed class NodeEngineTests
{
    private static NodeEngine Node(long panelMemory = 64L << 20) =>
        new(new ClusterNodeOptions { Name = "t", Devices = "cpu", Threads = 1, PersistModels = false, PanelMemoryBytes = panelMemory });

    private static void Put(NodeEngine node, PanelKey key, HostMatrix<double> view, int chunkBytes) =>
        Parallel.ForEach(Chunks.Panel(key, view, chunkBytes), node.Put);

    [Test]
    public void ChunksOfOnePanelArrivingTogether_CountItsBytesOnce()
    {
        using NodeEngine node = Node();
        var app = Guid.NewGuid();
        for (int p = 0; p < 20; p++)
        {
            var key = new PanelKey(app, 1, 'A', p * 64, 64, 300, "f64");
            Put(node, key, TestMatrices.Random<double>(64, 300, p), chunkBytes: 4096);
        }

        Assert.That(node.Held, Is.EqualTo((20, 20L * 64 * 300 * sizeof(double))));
    }

    [Test]
    public void AFullStore_EvictsTheLeastRecentlyUsedPanel_AndNamesItWhenAskedToCompute()
    {
        using NodeEngine node = Node(panelMemory: 1 << 20);
        var app = Guid.NewGuid();
        var a = new PanelKey(app, 1, 'A', 0, 256, 256, "f64");   // 512 KiB each: two do not fit with a third
        var b = new PanelKey(app, 1, 'B', 0, 256, 256, "f64");
        var other = new PanelKey(app, 2, 'A', 0, 256, 256, "f64");
        Put(node, a, TestMatrices.Random<double>(256, 256, 1), Chunks.DefaultChunkBytes);
        Put(node, b, TestMatrices.Random<double>(256, 256, 2), Chunks.DefaultChunkBytes);
        Put(node, other, TestMatrices.Random<double>(256, 256, 3), Chunks.DefaultChunkBytes);
        TileAnswer answer = node.Start(new TileRequest(a, b, null, 1, 0, Chunks.DefaultChunkBytes));
        Assert.That(answer.Missing, Is.EqualTo(new[] { a }), "the oldest panel went to make room");
        Assert.That(node.Held.Bytes, Is.LessThanOrEqualTo(1 << 20));
    }

    [Test]
    public void ATileFromChunkedPanels_ComesBackRight()
    {
        using NodeEngine node = Node();
        var app = Guid.NewGuid();
        HostMatrix<double> a = TestMatrices.Random<double>(70, 45, 4), b = TestMatrices.Random<double>(45, 33, 5), c0 = TestMatrices.Random<double>(70, 33, 6);
        var ka = new PanelKey(app, 1, 'A', 0, 70, 45, "f64");
        var kb = new PanelKey(app, 1, 'B', 0, 45, 33, "f64");
        var kc = new PanelKey(app, 1, 'C', 0, 70, 33, "f64", 0);
        Put(node, ka, a, 1000);
        Put(node, kb, b, 1000);
        Put(node, kc, c0, 1000);
        TileAnswer started = node.Start(new TileRequest(ka, kb, kc, 2.0, -1.0, 1000));
        TileAnswer done = node.WaitAsync(started.Result, TimeSpan.FromSeconds(30)).GetAwaiter().GetResult()!;
        var c = new HostMatrix<double>(70, 33);
        for (int i = 0; i < done.Chunks; i++)
        {
            ResultChunk chunk = node.Take(started.Result, i);
            Chunks.Verify(chunk.Bytes.Value, chunk.Checksum, "result");
            Chunks.Scatter(chunk.Bytes.Value, chunk.Offset, c);
        }

        for (int i = 0; i < 70; i++)
        {
            for (int j = 0; j < 33; j++)
            {
                double sum = 0;
                for (int p = 0; p < 45; p++)
                {
                    sum += a[i, p] * b[p, j];
                }

                Assert.That(c[i, j], Is.EqualTo((2 * sum) - c0[i, j]).Within(1e-13), $"C[{i}, {j}]");
            }
        }

        node.Release(started.Result);
        Assert.Throws<ArgumentException>(() => node.Take(started.Result, 0), "a released result is gone");
    }

    [Test]
    public void ACorruptChunk_IsRefusedByTheNode_BeforeItIsStored()
    {
        using NodeEngine node = Node();
        var key = new PanelKey(Guid.NewGuid(), 1, 'A', 0, 8, 8, "f64");
        PanelChunk chunk = Chunks.Panel(key, TestMatrices.Random<double>(8, 8, 7), 1 << 20).Single();
        chunk.Bytes.Value[5] ^= 0x10;
        Assert.Throws<InvalidDataException>(() => node.Put(chunk));
        Assert.That(node.Held.Count, Is.Zero);
    }

    [Test]
    public void APanelHeldWhole_IsReadBackAsTheSameChunks_ForAPeer_AndNotBeforeItIsWhole()
    {
        using NodeEngine node = Node();
        var key = new PanelKey(Guid.NewGuid(), 1, 'A', 0, 100, 77, "f64");
        var view = TestMatrices.Random<double>(100, 77, 9);
        PanelChunk[] sent = [.. Chunks.Panel(key, view, chunkBytes: 4096)];
        Assert.That(node.Read(key, 0, 4096), Is.Null, "a panel never sent");
        foreach (PanelChunk chunk in sent.Skip(1))
        {
            node.Put(chunk);
        }

        Assert.That(node.Read(key, 1, 4096), Is.Null, "a panel missing a chunk is not whole");
        node.Put(sent[0]);
        for (int i = 0; i < sent.Length; i++)
        {
            PanelChunk read = node.Read(key, i, 4096)!;
            Assert.That((read.Index, read.Count, read.Offset, read.Checksum), Is.EqualTo((sent[i].Index, sent[i].Count, sent[i].Offset, sent[i].Checksum)), $"chunk {i}");
            Assert.That(read.Bytes.Value, Is.EqualTo(sent[i].Bytes.Value), $"chunk {i}");
        }

        // Another peer may cut them otherwise: one chunk of all.
        Assert.That(node.Read(key, 0, 1 << 20)!.Bytes.Value, Has.Length.EqualTo(100 * 77 * sizeof(double)));
        Assert.That(() => node.Read(key, sent.Length, 4096), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains($"{sent.Length} chunks"));
    }

    [Test]
    public void NodeBuffers_RefuseWhatDoesNotFit_ACorruptChunk_AndUnknownBuffers_NamingThem()
    {
        using NodeEngine node = Node(panelMemory: 1 << 20);
        var app = Guid.NewGuid();
        node.Buffers.Allocate(app, 1, "f64", 1000);
        Assert.That(node.Buffers.HeldBytes, Is.EqualTo(8000));
        var full = Assert.Throws<InsufficientMemoryException>(() => node.Buffers.Allocate(app, 2, "f64", 1 << 20));
        Assert.That(full!.Message, Does.Contain("8388608 bytes").And.Contain("1048576"));
        Assert.That(Assert.Throws<ArgumentException>(() => node.Buffers.Allocate(app, 3, "f16", 8))!.Message, Does.Contain("f16"));
        Assert.That(Assert.Throws<ArgumentException>(() => node.Buffers.Allocate(app, 1, "f64", 8))!.Message, Does.Contain("exists"));

        byte[] bytes = new byte[64];
        var chunk = new BufferChunk(1, 0, new Orleans.Concurrency.Immutable<byte[]>(bytes), Chunks.Checksum(bytes));
        node.Buffers.Write(app, chunk);
        bytes[3] ^= 1;
        Assert.Throws<InvalidDataException>(() => node.Buffers.Write(app, chunk));
        Assert.That(Assert.Throws<ArgumentException>(() => node.Buffers.Write(app, chunk with { Checksum = Chunks.Checksum(bytes), Offset = 7990 }))!.Message, Does.Contain("do not fit"));
        Assert.That(Assert.Throws<ArgumentException>(() => node.Buffers.Read(Guid.NewGuid(), 1, 0, 8))!.Message, Does.Contain("No buffer 1"));

        node.Buffers.Free(app, 1);
        node.Buffers.Free(app, 1); // already gone: not an error
        Assert.That(node.Buffers.HeldBytes, Is.Zero);
    }

    [Test]
    public void NodeKernels_OnBuffers_MatchTheHostKernels()
    {
        // A 40 × 40 SPD tile factored on the node's buffers equals the host's factor; a GEMM there equals the host's.
        using NodeEngine node = Node();
        var app = Guid.NewGuid();
        const int n = 40;
        var spd = TestMatrices.Spd(n, 11);

        node.Buffers.Allocate(app, 1, "f64", n * n);
        byte[] bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(spd.Data.AsSpan()).ToArray();
        node.Buffers.Write(app, new BufferChunk(1, 0, new Orleans.Concurrency.Immutable<byte[]>(bytes), Chunks.Checksum(bytes)));
        NodeKernelAnswer answer = node.Buffers.RunAsync(app, new NodeKernelCall(NodeKernel.Potrf, "f64", [1], [n, 0, n], [])).GetAwaiter().GetResult();
        Assert.That(answer.Info, Is.EqualTo(-1));
        BufferChunk back = node.Buffers.Read(app, 1, 0, bytes.Length);
        double[] factor = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(back.Bytes.Value.AsSpan()).ToArray();

        using var local = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu", CpuThreads = 1, PersistModels = false });
        var expected = new HostMatrix<double>(n, n);
        spd.Data.CopyTo(expected.Data, 0);
        local.Cholesky(expected);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                Assert.That(factor[(i * n) + j], Is.EqualTo(expected[i, j]).Within(1e-12), $"L[{i}, {j}]");
            }
        }

        var missing = Assert.Throws<ArgumentException>(() => node.Buffers.RunAsync(app, new NodeKernelCall(NodeKernel.Potrf, "f64", [9], [n, 0, n], [])).GetAwaiter().GetResult());
        Assert.That(missing!.Message, Does.Contain("No buffer 9"));
    }
}
