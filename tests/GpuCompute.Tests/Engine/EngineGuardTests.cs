using GpuCompute.Matrices;
using GpuCompute.Scheduling;
using NUnit.Framework;

namespace GpuCompute.Tests.Engine;

/// <summary>Bad input to the engine throws before any work, with a message that names the problem and the sizes.</summary>
public sealed class EngineGuardTests
{
    private ComputeEngine engine = null!;

    [OneTimeSetUp]
    public void CreateEngine() => engine = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu" });

    [OneTimeTearDown]
    public void DisposeEngine() => engine.Dispose();

    [Test]
    public void Gemm_NullMatrix_ThrowsArgumentNull()
    {
        var m = new HostMatrix<float>(2, 2);
        Assert.Throws<ArgumentNullException>(() => engine.Gemm(null!, m, m));
        Assert.Throws<ArgumentNullException>(() => engine.Gemm(m, null!, new HostMatrix<float>(2, 2)));
        Assert.Throws<ArgumentNullException>(() => engine.Gemm(m, new HostMatrix<float>(2, 2), null!));
    }

    [Test]
    public void Gemm_InnerDimensionsDiffer_ThrowsNamingTheShapes()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            engine.Gemm(new HostMatrix<double>(3, 4), new HostMatrix<double>(5, 6), new HostMatrix<double>(3, 6)));
        Assert.That(e!.Message, Does.Contain("inner dimensions").And.Contain("3 x 4").And.Contain("5 x 6"));
    }

    [Test]
    public void Gemm_TransposedInnerDimensionsDiffer_Throws()
    {
        // op(A) = Aᵀ is 4 x 3, op(B) = B is 4 x 6: inner 3 vs 4.
        var e = Assert.Throws<ArgumentException>(() => engine.Gemm(
            1f, new HostMatrix<float>(3, 4), Transpose.Transposed, new HostMatrix<float>(4, 6), Transpose.None, 0f, new HostMatrix<float>(4, 6)));
        Assert.That(e!.Message, Does.Contain("op(A) is 4 x 3"));
    }

    [Test]
    public void Gemm_OutputWrongShape_ThrowsNamingTheExpectedShape()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            engine.Gemm(new HostMatrix<float>(3, 4), new HostMatrix<float>(4, 5), new HostMatrix<float>(5, 3)));
        Assert.That(e!.Message, Does.Contain("C must be 3 x 5"));
    }

    [Test]
    public void Gemm_OutputOverlapsInput_Throws()
    {
        var whole = new HostMatrix<float>(8, 8);
        var e = Assert.Throws<ArgumentException>(() => engine.Gemm(whole.Slice(0, 0, 4, 4), whole.Slice(4, 4, 4, 4), whole.Slice(2, 2, 4, 4)));
        Assert.That(e!.Message, Does.Contain("overlaps A"));
    }

    [Test]
    public void Gemm_DisjointBlocksOfOneArray_AreAllowed()
    {
        var whole = new HostMatrix<float>(8, 8);
        whole.Slice(0, 0, 4, 4).Fill(1);
        whole.Slice(0, 4, 4, 4).Fill(2);
        engine.Gemm(whole.Slice(0, 0, 4, 4), whole.Slice(0, 4, 4, 4), whole.Slice(4, 0, 4, 4));
        Assert.That(whole[7, 3], Is.EqualTo(8f));
    }

    [Test]
    public void Gemm_UnknownTranspose_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => engine.Gemm(
            1f, new HostMatrix<float>(2, 2), (Transpose)7, new HostMatrix<float>(2, 2), Transpose.None, 0f, new HostMatrix<float>(2, 2)));

    [Test]
    public void Gemm_DisposedEngine_ThrowsObjectDisposed()
    {
        var disposed = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu" });
        disposed.Dispose();
        var m = new HostMatrix<float>(2, 2);
        Assert.Throws<ObjectDisposedException>(() => disposed.Gemm(m, new HostMatrix<float>(2, 2), new HostMatrix<float>(2, 2)));
        Assert.Throws<ObjectDisposedException>(() => disposed.Multiply(m, m));
        Assert.DoesNotThrow(disposed.Dispose, "disposing twice is harmless");
    }

    [Test]
    public void Multiply_MismatchedShapes_ThrowsNamingTheSizes()
    {
        var e = Assert.Throws<ArgumentException>(() => engine.Multiply(new HostMatrix<double>(2, 3), new HostMatrix<double>(4, 2)));
        Assert.That(e!.Message, Does.Contain("2 x 3").And.Contain("4 x 2"));
    }

    [Test]
    public void Constructor_UnknownDevice_ThrowsListingValidNames()
    {
        var e = Assert.Throws<ArgumentException>(() => new ComputeEngine(new ComputeEngineOptions { Devices = "cpu,tpu" }));
        Assert.That(e!.Message, Does.Contain("'tpu'").And.Contain("cuda").And.Contain("ilgpu-cpu"));
    }

    [Test]
    public void Constructor_AbsentDevice_ThrowsListingWhatWasFound()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new ComputeEngine(new ComputeEngineOptions { Devices = "cuda:7" }));
        Assert.That(e!.Message, Does.Contain("cuda:7").And.Contain("found:").And.Contain("cpu"));
    }

    [Test]
    public void Constructor_ZeroCpuThreads_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ComputeEngine(new ComputeEngineOptions { Devices = "cpu", CpuThreads = 0 }));

    [Test]
    public void Constructor_PolicyFromEnvironment_IsUsedAndBadOneThrows()
    {
        string? saved = Environment.GetEnvironmentVariable(SchedulingPolicyNames.EnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(SchedulingPolicyNames.EnvironmentVariable, "round-robin");
            using (var e = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu" }))
            {
                Assert.That(e.Policy, Is.EqualTo(SchedulingPolicy.RoundRobin));
            }

            Environment.SetEnvironmentVariable(SchedulingPolicyNames.EnvironmentVariable, "fastest");
            var error = Assert.Throws<ArgumentException>(() => new ComputeEngine(new ComputeEngineOptions { Devices = "cpu" }));
            Assert.That(error!.Message, Does.Contain("'fastest'").And.Contain("weighted"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(SchedulingPolicyNames.EnvironmentVariable, saved);
        }
    }

    [Test]
    public void Constructor_DevicesFromEnvironment_AreUsed()
    {
        string? saved = Environment.GetEnvironmentVariable("GPUCOMPUTE_DEVICES");
        try
        {
            Environment.SetEnvironmentVariable("GPUCOMPUTE_DEVICES", "nonsense");
            Assert.Throws<ArgumentException>(() => new ComputeEngine());
            Environment.SetEnvironmentVariable("GPUCOMPUTE_DEVICES", "cpu");
            using var engine = new ComputeEngine();
            Assert.That(engine.Devices.Select(d => d.Id), Is.EqualTo(new[] { "cpu" }));
        }
        finally
        {
            Environment.SetEnvironmentVariable("GPUCOMPUTE_DEVICES", saved);
        }
    }
}
