using GpuCompute.Gemm;
using GpuCompute.Matrices;
using GpuCompute.Scheduling;
using GpuCompute.Tests.Support;
using NUnit.Framework;

namespace GpuCompute.Tests.Guarantees;

/// <summary>
/// The model cache under every bad kind of file: each is ignored with exactly one warning, costs neither time nor
/// memory, never stops an engine from computing, and is repaired where it can be; and models cannot be poisoned by
/// tiny tiles or kept alive forever.
/// </summary>
public sealed class ModelCacheMisuseTests
{
    private string directory = null!;

    private string FilePath => Path.Combine(directory, "models.json");

    [SetUp]
    public void CreateDirectory() => directory = Directory.CreateTempSubdirectory("gpucompute-cache-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(directory, recursive: true);

    public static IEnumerable<TestCaseData> BadFiles()
    {
        yield return new TestCaseData("garbage", (Action<string>)(p => File.WriteAllBytes(p, [0, 255, 17, 3]))).SetName("{m}(garbage)");
        yield return new TestCaseData("truncated", (Action<string>)(p => File.WriteAllText(p, "{\"version\": 2, \"models\": {\"cpu|f32\": {\"gflops\": 1"))).SetName("{m}(truncated)");
        yield return new TestCaseData("deep", (Action<string>)(p => File.WriteAllText(p, new string('[', 5000) + new string(']', 5000)))).SetName("{m}(deep nesting)");
        yield return new TestCaseData("future", (Action<string>)(p => File.WriteAllText(p,
            "{\"version\": 2, \"models\": {\"x|f32\": {\"gflops\": 100, \"latency_seconds\": 0, \"measured_at\": \"9999-01-01T00:00:00Z\"}}}"))).SetName("{m}(timestamp in 9999)");
        yield return new TestCaseData("implausible", (Action<string>)(p => File.WriteAllText(p,
            "{\"version\": 2, \"models\": {\"x|f32\": {\"gflops\": 1e400, \"latency_seconds\": -1, \"measured_at\": \"2026-11-01T00:00:00Z\"}}}"))).SetName("{m}(implausible values)");
        yield return new TestCaseData("old format", (Action<string>)(p => File.WriteAllText(p, "{\"version\": 1, \"models\": {}}"))).SetName("{m}(older format)");
        yield return new TestCaseData("huge", (Action<string>)(p =>
        {
            using var file = new FileStream(p, FileMode.Create);
            file.SetLength(1_200_000_000); // sparse: 1.2 GB that costs no disk
        })).SetName("{m}(1.2 GB file)");
    }

    [TestCaseSource(nameof(BadFiles))]
    public void Engine_BadCacheFile_WarnsOnceComputesAndRepairsIt(string kind, Action<string> write)
    {
        write(FilePath);
        var log = new ListLogger();
        long before = GC.GetAllocatedBytesForCurrentThread();

        using (var engine = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu", ModelCachePath = FilePath, Logger = log }))
        {
            Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(64L << 20), $"{kind}: the file was not read whole");
            HostMatrix<float> a = TestMatrices.Random<float>(20, 10, 1), b = TestMatrices.Random<float>(10, 5, 2);
            var c = new HostMatrix<float>(20, 5);
            engine.Gemm(a, b, c);
        }

        Assert.That(log.Messages, Has.Count.EqualTo(1), $"{kind}: one warning");
        Assert.That(log.Messages[0], Does.Contain(FilePath));
        Assert.That(new FileInfo(FilePath).Length, Is.LessThan(ModelStore.MaxFileBytes), $"{kind}: repaired to a small valid file");
        var quiet = new List<string>();
        _ = new ModelStore(FilePath, quiet.Add);
        Assert.That(quiet, Is.Empty, $"{kind}: the next store reads the repaired file without a warning");
    }

    [Test]
    public void Engine_CachePathIsADirectory_WarnsOnceAndComputes()
    {
        Directory.CreateDirectory(FilePath);
        var log = new ListLogger();
        using var engine = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu", ModelCachePath = FilePath, Logger = log });
        engine.Calibrate(); // would save twice

        Assert.That(log.Messages, Has.Count.EqualTo(1));
        Assert.That(log.Messages[0], Does.Contain("directory"));
    }

    [Test]
    public void Engine_UnwritableCachePath_WarnsOnceAndComputes()
    {
        var log = new ListLogger();
        using var engine = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu", ModelCachePath = "/proc/gpucompute-test/models.json", Logger = log });
        engine.Calibrate(); // two saves (f32, f64), one warning

        Assert.That(log.Messages, Has.Count.EqualTo(1));
        Assert.That(log.Messages[0], Does.Contain("Could not save"));
    }

    [Test]
    public void Store_ModelMeasuredInTheFuture_IsNotUsed()
    {
        var log = new List<string>();
        new ModelStore(FilePath, log.Add).Save("cpu", "f64", new StoredModel(100, null, 0, new DateTimeOffset(9999, 1, 1, 0, 0, 0, TimeSpan.Zero)));

        Assert.That(new ModelStore(FilePath, log.Add).Find("cpu", "f64"), Is.Null);
        Assert.That(log, Has.Count.EqualTo(1), "the bad entry is reported, and removed");
        Assert.That(new ModelStore(FilePath, _ => Assert.Fail("repaired")).Find("cpu", "f64"), Is.Null);
    }

    [Test]
    public void DeviceModel_TinyTiles_TeachNothing()
    {
        var model = new DeviceModel(150);
        var tiny = new GemmTile(0, 0, 16, 16);
        for (int i = 0; i < 50; i++)
        {
            model.Observe(tiny, k: 16, bytes: 0, seconds: 50e-6); // 0.16 GFLOP/s: per-call overhead, not speed
        }

        Assert.That(model.Gflops, Is.EqualTo(150));
        Assert.That(model.GflopsFor(tiny, 16), Is.EqualTo(150));
    }

    [Test]
    public void Engine_FiftyTinyProductsOnTwoDevices_DoNotPoisonTheStoredModel()
    {
        double calibrated;
        using (var engine = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu,ilgpu-cpu", ModelCachePath = FilePath }))
        {
            calibrated = engine.Calibrate().Single(r => r.DeviceId == "cpu" && r.Precision == "f64").Gflops;
            HostMatrix<double> a = TestMatrices.Random<double>(16, 16, 1), b = TestMatrices.Random<double>(16, 16, 2);
            var c = new HostMatrix<double>(16, 16);
            for (int i = 0; i < 50; i++)
            {
                engine.Gemm(a, b, c);
            }

            DateTimeOffset measured = Find(engine, "f64")!.MeasuredAt;
            Assert.That(measured, Is.LessThanOrEqualTo(DateTimeOffset.UtcNow));
        }

        StoredModel stored = new ModelStore(FilePath, _ => { }).Find(CpuIdentity(), "f64")!;
        Assert.That(stored.Gflops, Is.EqualTo(calibrated).Within(1e-9), "the tiny products taught the model nothing");
    }

    [Test]
    public void Engine_RefinedModel_KeepsItsMeasurementTime()
    {
        DateTimeOffset measured = DateTimeOffset.UtcNow.AddDays(-29);
        new ModelStore(FilePath, _ => { }).Save(CpuIdentity(), "f32", new StoredModel(300, null, 0, measured));
        using (var engine = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu,ilgpu-cpu", ModelCachePath = FilePath, Policy = SchedulingPolicy.Weighted }))
        {
            _ = engine.Layout(1 << 20); // uses the stored f32 model
        }

        Assert.That(new ModelStore(FilePath, _ => { }).Find(CpuIdentity(), "f32")!.MeasuredAt, Is.EqualTo(measured), "saving on dispose does not make it younger");
    }

    private StoredModel? Find(ComputeEngine engine, string precision) =>
        new ModelStore(FilePath, _ => { }).Find(engine.Devices.Single(d => d.Id == "cpu").Identity, precision);

    private static string CpuIdentity()
    {
        using var engine = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu", PersistModels = false });
        return engine.Devices[0].Identity;
    }
}
