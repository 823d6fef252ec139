using GpuCompute.Matrices;
using GpuCompute.Scheduling;
using GpuCompute.Tests.Support;
using GpuCompute.Verification;
using NUnit.Framework;

namespace GpuCompute.Tests.Engine;

/// <summary>Operations called from several threads at once on one engine share its devices safely.</summary>
public sealed class EngineConcurrencyTests
{
    [Test]
    public void Gemm_FromFourThreadsAtOnce_EachResultIsRight()
    {
        using var engine = new ComputeEngine(new ComputeEngineOptions
        {
            Devices = "cpu,ilgpu-cpu",
            Policy = SchedulingPolicy.RoundRobin,
            Tiling = new(8, 16, 0),
            PersistModels = false,
        });

        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            HostMatrix<double> a = TestMatrices.Random<double>(33 + i, 20, 10 * i), b = TestMatrices.Random<double>(20, 29, (10 * i) + 1);
            HostMatrix<double> c = TestMatrices.Random<double>(33 + i, 29, (10 * i) + 2);
            ReferenceGemm.Expected expected = ReferenceGemm.Compute(1.0, a, Transpose.None, b, Transpose.None, 0.5, c);
            engine.Gemm(1.0, a, Transpose.None, b, Transpose.None, 0.5, c);
            if (expected.FirstMismatch(c) is string mismatch)
            {
                failures.Add($"call {i}: {mismatch}");
            }
        });

        Assert.That(failures, Is.Empty);
    }

    [Test]
    public async Task GemmAsync_ManyAtOnce_AllCompleteCorrectly()
    {
        using var engine = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu", Tiling = new(8, 16, 0), PersistModels = false });
        var cases = Enumerable.Range(0, 6).Select(i => (
            A: TestMatrices.Random<float>(40, 17 + i, i),
            B: TestMatrices.Random<float>(17 + i, 24, i + 100),
            C: new HostMatrix<float>(40, 24))).ToArray();

        await Task.WhenAll(cases.Select(x => engine.GemmAsync(1f, x.A, Transpose.None, x.B, Transpose.None, 0f, x.C)));

        foreach (var x in cases)
        {
            ReferenceGemm.Compute(1f, x.A, Transpose.None, x.B, Transpose.None, 0f, x.C).AssertMatches(x.C, "concurrent GemmAsync");
        }
    }

    [Test]
    public void GemmAsync_AlreadyCancelled_ReturnsCancelledTaskWithoutWork()
    {
        using var engine = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu", PersistModels = false });
        var c = new HostMatrix<float>(4, 4);
        c.Fill(7f);

        Task<GemmReport> task = engine.GemmAsync(1f, new HostMatrix<float>(4, 4), Transpose.None, new HostMatrix<float>(4, 4), Transpose.None, 0f, c, cancellation: new CancellationToken(true));

        Assert.That(task.IsCanceled, Is.True);
        Assert.That(c[0, 0], Is.EqualTo(7f), "nothing was computed");
    }

    [Test]
    public void GemmAsync_BadShapes_ThrowsBeforeReturningATask() =>
        Assert.Throws<ArgumentException>(() =>
        {
            using var engine = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu", PersistModels = false });
            _ = engine.GemmAsync(1f, new HostMatrix<float>(2, 3), Transpose.None, new HostMatrix<float>(2, 3), Transpose.None, 0f, new HostMatrix<float>(2, 3));
        });
}
