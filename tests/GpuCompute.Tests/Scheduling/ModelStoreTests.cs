using GpuCompute.Matrices;
using GpuCompute.Scheduling;
using GpuCompute.Tests.Support;
using GpuCompute.Verification;
using NUnit.Framework;

namespace GpuCompute.Tests.Scheduling;

public sealed class ModelStoreTests
{
    private string directory = null!;

    private string FilePath => Path.Combine(directory, "models.json");

    [SetUp]
    public void CreateDirectory() => directory = Directory.CreateTempSubdirectory("gpucompute-models-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(directory, recursive: true);

    [Test]
    public void Save_ThenANewStore_FindsTheModel()
    {
        var warnings = new List<string>();
        new ModelStore(FilePath, warnings.Add).Save("Cuda|cuda:0|H100|80", "f32", new StoredModel(51000, 25e9, 1e-5, DateTimeOffset.UtcNow));

        StoredModel? found = new ModelStore(FilePath, warnings.Add).Find("Cuda|cuda:0|H100|80", "f32");

        Assert.That(found?.Gflops, Is.EqualTo(51000));
        Assert.That(found?.BandwidthBytesPerSecond, Is.EqualTo(25e9));
        Assert.That(new ModelStore(FilePath, warnings.Add).Find("Cuda|cuda:0|H100|80", "f64"), Is.Null);
        Assert.That(warnings, Is.Empty);
    }

    [TestCase("{ not json")]
    [TestCase("{\"version\": 99, \"models\": {}}")]
    [TestCase("{\"version\": 1, \"models\": {\"x|f32\": {\"gflops\": -5, \"latency_seconds\": 0, \"measured_at\": \"2026-11-01T00:00:00Z\"}}}")]
    [TestCase("")]
    public void Load_CorruptOrForeignFile_IsIgnoredWithAWarning(string contents)
    {
        File.WriteAllText(FilePath, contents);
        var warnings = new List<string>();

        var store = new ModelStore(FilePath, warnings.Add);

        Assert.That(store.Find("x", "f32"), Is.Null);
        Assert.That(warnings, Has.Count.EqualTo(1));
        Assert.That(warnings[0], Does.Contain(FilePath));
    }

    [Test]
    public void Find_StaleModel_IsIgnored()
    {
        new ModelStore(FilePath, _ => { }).Save("cpu", "f64", new StoredModel(100, null, 0, DateTimeOffset.UtcNow.AddDays(-90)));
        Assert.That(new ModelStore(FilePath, _ => { }).Find("cpu", "f64"), Is.Null);
    }

    [Test]
    public void Engine_CorruptCacheFile_WarnsAndStillComputes()
    {
        File.WriteAllText(FilePath, "\u0000garbage");
        var warnings = new ListLogger();
        using var engine = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu", ModelCachePath = FilePath, Logger = warnings });

        HostMatrix<float> a = TestMatrices.Random<float>(30, 20, 1), b = TestMatrices.Random<float>(20, 10, 2);
        var c = new HostMatrix<float>(30, 10);
        engine.Gemm(a, b, c);

        ReferenceGemm.Compute(1f, a, Transpose.None, b, Transpose.None, 0f, c).AssertMatches(c, "with a corrupt model cache");
        Assert.That(warnings.Messages, Has.Some.Contains("unreadable"));
    }

    [Test]
    public void Engine_Calibrate_StoresModelsThatTheNextEngineUses()
    {
        using (var engine = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu", ModelCachePath = FilePath }))
        {
            IReadOnlyList<DeviceCalibration> results = engine.Calibrate();
            Assert.That(results.Select(r => r.Precision), Is.EqualTo(new[] { "f32", "f64" }));
            Assert.That(results.All(r => r.Gflops > 0 && r.BandwidthBytesPerSecond is null), Is.True);
        }

        var store = new ModelStore(FilePath, message => Assert.Fail(message));
        using var next = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu", ModelCachePath = FilePath });
        Assert.That(store.Find(next.Devices[0].Identity, "f32")?.Gflops, Is.GreaterThan(0));
    }
}
