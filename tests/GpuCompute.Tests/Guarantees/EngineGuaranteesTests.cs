using CsCheck;
using GpuCompute.Data;
using GpuCompute.Gemm;
using GpuCompute.Matrices;
using GpuCompute.Scheduling;
using GpuCompute.Tests.Support;
using GpuCompute.Verification;
using NUnit.Framework;

namespace GpuCompute.Tests.Guarantees;

/// <summary>The promises the README makes about misuse, each as a test: α = 0, aliasing, cancellation, disposal, warnings.</summary>
public sealed class EngineGuaranteesTests
{
    [TestCase("cpu")]
    [TestCase("ilgpu-cpu")]
    [TestCase("cpu,ilgpu-cpu")]
    public void Gemm_AlphaZeroWithNaNInA_GivesBetaTimesC(string devices)
    {
        using var engine = new ComputeEngine(new ComputeEngineOptions { Devices = devices, PersistModels = false, Policy = SchedulingPolicy.RoundRobin, Tiling = new(8, 16, 0) });
        HostMatrix<double> a = TestMatrices.Random<double>(40, 30, 1), b = TestMatrices.Random<double>(30, 20, 2);
        a.Fill(double.NaN);
        var c = new HostMatrix<double>(40, 20);
        c.Fill(2);

        GemmReport report = engine.Gemm(0.0, a, Transpose.None, b, Transpose.None, 0.5, c);

        Assert.That(c.Data, Is.All.EqualTo(1.0), "C ← 0.5·C, A never read");
        Assert.That(report.Flops, Is.Zero, "no product was computed");
    }

    [Test]
    public void Gemm_CAndADisjointColumnBlocksOfOneArray_IsAcceptedAndCorrect()
    {
        using var engine = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu", PersistModels = false });
        HostMatrix<float> whole = TestMatrices.Random<float>(64, 64, 3);
        HostMatrix<float> a = whole.Slice(0, 0, 64, 32), c = whole.Slice(0, 32, 64, 32);
        HostMatrix<float> b = TestMatrices.Random<float>(32, 32, 4);
        ReferenceGemm.Expected expected = ReferenceGemm.Compute(1f, a, Transpose.None, b, Transpose.None, 0f, c);

        engine.Gemm(a, b, c);

        expected.AssertMatches(c, "C beside A in one array");
        Assert.Throws<ArgumentException>(() => engine.Gemm(whole.Slice(0, 0, 64, 33), b.Slice(0, 0, 32, 32), whole.Slice(0, 32, 64, 32).Slice(0, 0, 64, 32)), "sharing column 32 is an overlap");
    }

    [Test]
    public void Overlaps_RandomStridedViews_AgreesWithElementByElement()
    {
        var data = new float[400];
        Gen<HostMatrix<float>> view = Gen.Select(Gen.Int[0, 6], Gen.Int[0, 6], Gen.Int[0, 5], Gen.Int[0, 60])
            .Select(x => new HostMatrix<float>(data, x.Item1, x.Item2, Math.Max(1, x.Item2) + x.Item3, x.Item4));
        Gen.Select(view, view).Sample(
            (x, y) =>
            {
                bool brute = Elements(x).Intersect(Elements(y)).Any();
                Assert.That(GemmProblem<float>.Overlaps(x, y), Is.EqualTo(brute), $"{Describe(x)} and {Describe(y)}");
            },
            iter: 3000,
            threads: 1);

        static IEnumerable<int> Elements(HostMatrix<float> m) =>
            Enumerable.Range(0, m.Rows).SelectMany(i => Enumerable.Range(0, m.Cols).Select(j => m.Offset + (i * m.LeadingDimension) + j));

        static string Describe(HostMatrix<float> m) => $"{m.Rows}x{m.Cols} ld {m.LeadingDimension} at {m.Offset}";
    }

    [Test]
    public void GemmAsync_CancelledDuringAProductKeptWhole_StopsBeforeFinishing()
    {
        // One device keeps a 4096³ product as one tile (about a second here); cancellation must reach inside it.
        using var engine = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu", PersistModels = false });
        (HostMatrix<double> a, HostMatrix<double> b, HostMatrix<double> c) = Large(4096);
        using var cancel = new CancellationTokenSource();
        var progress = new List<GemmProgress>();

        Task<GemmReport> task = engine.GemmAsync(1.0, a, Transpose.None, b, Transpose.None, 0.0, c, new SynchronousProgress(progress), cancel.Token);
        long cancelled = After(100, cancel.Cancel);

        Assert.That(async () => await task, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(progress, Is.Empty, "the one tile never finished");
        TestContext.Out.WriteLine($"cancellation latency: {System.Diagnostics.Stopwatch.GetElapsedTime(cancelled).TotalMilliseconds:F1} ms (informational)");
    }

    [Test]
    public void GemmAsync_CancelledDuringOutOfCoreStreaming_StopsBetweenChunks()
    {
        // The emulator streams a tile through a tiny budget in many chunks of K; cancellation stops between them.
        using var engine = new ComputeEngine(new ComputeEngineOptions { Devices = "ilgpu-cpu", PersistModels = false, DeviceMemoryBudgetBytes = 16 << 10 });
        HostMatrix<double> a = TestMatrices.Random<double>(120, 3000, 7), b = TestMatrices.Random<double>(3000, 100, 8);
        var c = new HostMatrix<double>(120, 100);
        engine.Gemm(TestMatrices.Random<double>(8, 8, 1), TestMatrices.Random<double>(8, 8, 2), new HostMatrix<double>(8, 8)); // compile the kernel first
        using var cancel = new CancellationTokenSource();
        var progress = new List<GemmProgress>();

        Task<GemmReport> task = engine.GemmAsync(1.0, a, Transpose.None, b, Transpose.None, 0.0, c, new SynchronousProgress(progress), cancel.Token);
        After(100, cancel.Cancel);

        Assert.That(async () => await task, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(progress, Is.Empty, "the streamed tile never finished");
    }

    [Test]
    public void Dispose_WhileGemmAsyncRuns_TaskEndsWithObjectDisposed()
    {
        var engine = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu", PersistModels = false });
        (HostMatrix<double> a, HostMatrix<double> b, HostMatrix<double> c) = Large(6000); // seconds of work: Dispose comes first

        Task<GemmReport> task = engine.GemmAsync(1.0, a, Transpose.None, b, Transpose.None, 0.0, c);
        After(50, engine.Dispose);

        Assert.That(async () => await task, Throws.InstanceOf<ObjectDisposedException>(), "not a device failure");
        Assert.Throws<ObjectDisposedException>(() => engine.Gemm(a, b, c));
    }

    [Test]
    public void DeviceGemmAsync_SmallProduct_MatchesReferenceAndReportsProgress()
    {
        using var engine = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu,ilgpu-cpu", PersistModels = false });
        HostMatrix<double> a = TestMatrices.Random<double>(30, 12, 13), b = TestMatrices.Random<double>(12, 9, 14);
        DataLayout rows = engine.Layout(30, engine.Devices);
        using DeviceMatrix<double> da = engine.UploadMatrix(a, rows), db = engine.UploadMatrix(b), dc = engine.AllocateMatrix<double>(30, 9, rows);
        var progress = new List<GemmProgress>();

        GemmReport report = engine.GemmAsync(1.0, da, Transpose.None, db, Transpose.None, 0.0, dc, new SynchronousProgress(progress)).GetAwaiter().GetResult();

        ReferenceGemm.Compute(1.0, a, Transpose.None, b, Transpose.None, 0.0, new HostMatrix<double>(30, 9)).AssertMatches(dc.ToHostMatrix(), "device GemmAsync");
        Assert.That(progress.Select(p => p.TilesTotal).Distinct(), Is.EqualTo(new[] { 2 }), "one item per device's part");
        Assert.That(report.Devices.Sum(d => d.Flops), Is.EqualTo(2.0 * 30 * 9 * 12));
    }

    [Test]
    public void DeviceGemmAsync_CancelledDuringAPart_StopsBeforeFinishing()
    {
        using var engine = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu", PersistModels = false });
        (HostMatrix<double> a, HostMatrix<double> b, _) = Large(4096);
        using DeviceMatrix<double> da = engine.UploadMatrix(a), db = engine.UploadMatrix(b), dc = engine.AllocateMatrix<double>(4096, 4096);
        using var cancel = new CancellationTokenSource();
        var progress = new List<GemmProgress>();

        Task<GemmReport> task = engine.GemmAsync(1.0, da, Transpose.None, db, Transpose.None, 0.0, dc, new SynchronousProgress(progress), cancel.Token);
        After(100, cancel.Cancel);

        Assert.That(async () => await task, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(progress, Is.Empty, "the part never finished");
    }

    [Test]
    public void ForAsyncAndGemmBatchedAsync_SplitAcrossTwoDevices_MatchAndReportProgress()
    {
        using var engine = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu,ilgpu-cpu", PersistModels = false });
        double[] values = Enumerable.Range(0, 300).Select(i => i * 0.5).ToArray();
        using DeviceVector<double> x = engine.UploadVector<double>(values, engine.Layout(300, engine.Devices));
        var progress = new List<GemmProgress>();

        OperationReport kernel = engine.ForAsync(x.Layout, part => new Engine.MixedConcurrencyTests.Negate(part.View(x)), new SynchronousProgress(progress)).GetAwaiter().GetResult();

        Assert.That(x.ToArray(), Is.EqualTo(values.Select(v => -v).ToArray()));
        Assert.That(kernel.Devices.Select(d => d.Tiles), Is.EqualTo(new[] { 1, 1 }));
        Assert.That(progress.Max(p => p.TilesDone), Is.EqualTo(2));

        double[] a = TestMatrices.Random<double>(1, 6 * 9, 20).Data, b = TestMatrices.Random<double>(1, 6 * 9, 21).Data;
        DataLayout batches = engine.Layout(6, engine.Devices);
        using DeviceMatrixBatch<double> da = engine.UploadBatch<double>(a, 6, 3, 3, batches), db = engine.UploadBatch<double>(b, 6, 3, 3, batches);
        using DeviceMatrixBatch<double> dc = engine.AllocateBatch<double>(6, 3, 3, batches);
        OperationReport batched = engine.GemmBatchedAsync(1.0, da, db, 0.0, dc).GetAwaiter().GetResult();
        double[] c = dc.ToArray();
        for (int q = 0; q < 6; q++)
        {
            ReferenceGemm.Compute(1.0, new HostMatrix<double>(a, 3, 3, 3, q * 9), Transpose.None, new HostMatrix<double>(b, 3, 3, 3, q * 9), Transpose.None, 0.0, new HostMatrix<double>(3, 3))
                .AssertMatches(new HostMatrix<double>(c, 3, 3, 3, q * 9), $"batched matrix {q}");
        }

        Assert.That(batched.Flops, Is.EqualTo(2.0 * 6 * 27));
        Assert.That(engine.ForAsync(x.Layout, part => new Engine.MixedConcurrencyTests.Negate(part.View(x)), cancellation: new CancellationToken(true)).IsCanceled, Is.True);
    }

    [Test]
    public void Dispose_WhileSynchronousGemmRuns_CallEndsWithObjectDisposed()
    {
        var engine = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu", PersistModels = false });
        (HostMatrix<double> a, HostMatrix<double> b, HostMatrix<double> c) = Large(6000);
        Exception? thrown = null;
        var caller = new Thread(() =>
        {
            try
            {
                engine.Gemm(a, b, c);
            }
            catch (Exception e)
            {
                thrown = e;
            }
        });

        caller.Start();
        Thread.Sleep(50);
        engine.Dispose();
        Assert.That(caller.Join(TimeSpan.FromSeconds(60)), Is.True, "the call returned");
        Assert.That(thrown, Is.InstanceOf<ObjectDisposedException>());
    }

    [Test]
    public void Constructor_EmptyDeviceList_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => new ComputeEngine(new ComputeEngineOptions { Devices = " , " }));
        Assert.That(e!.Message, Does.Contain("names no device"));
    }

    [Test]
    [NonParallelizable] // swaps Console.Error
    public void Constructor_CorruptCacheWithDefaultOptions_WarnsOnStandardError()
    {
        string folder = Directory.CreateTempSubdirectory("gpucompute-warn-").FullName;
        TextWriter saved = Console.Error;
        var error = new StringWriter();
        try
        {
            string path = Path.Combine(folder, "models.json");
            File.WriteAllText(path, "{ garbage");
            Console.SetError(error);
            using var engine = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu", ModelCachePath = path });
        }
        finally
        {
            Console.SetError(saved);
            Directory.Delete(folder, recursive: true);
        }

        Assert.That(error.ToString(), Does.StartWith("GpuCompute warning: ").And.Contain("unreadable"));
    }

    /// <summary>
    /// Runs <paramref name="action"/> <paramref name="milliseconds"/> from now on a thread of its own, waits for it and
    /// returns when it ran (a Stopwatch timestamp). Not a timer or Task.Delay: the CPU GEMM keeps the thread pool busy,
    /// and a pool callback can then start a second late, after the work it should interrupt has finished.
    /// </summary>
    private static long After(int milliseconds, Action action)
    {
        long ran = 0;
        var thread = new Thread(() =>
        {
            Thread.Sleep(milliseconds);
            ran = System.Diagnostics.Stopwatch.GetTimestamp();
            action();
        });
        thread.Start();
        thread.Join();
        return ran;
    }

    /// <summary>An n³ product's operands, filled fast (the values do not matter to these tests).</summary>
    private static (HostMatrix<double> A, HostMatrix<double> B, HostMatrix<double> C) Large(int n)
    {
        HostMatrix<double> a = new(n, n), b = new(n, n);
        a.Fill(0.5);
        b.Fill(0.25);
        return (a, b, new HostMatrix<double>(n, n));
    }

    /// <summary>Reports on the calling thread, so the test sees every report before it asserts.</summary>
    private sealed class SynchronousProgress(List<GemmProgress> reports) : IProgress<GemmProgress>
    {
        public void Report(GemmProgress value)
        {
            lock (reports)
            {
                reports.Add(value);
            }
        }
    }
}
