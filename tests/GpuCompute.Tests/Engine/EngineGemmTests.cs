using GpuCompute.Matrices;
using GpuCompute.Scheduling;
using GpuCompute.Tests.Support;
using GpuCompute.Verification;
using NUnit.Framework;

namespace GpuCompute.Tests.Engine;

/// <summary>
/// GEMM through the engine, written once and run on every device set by thin subclasses: the CPU device always,
/// ILGPU's emulator on small sizes, CUDA and OpenCL when present (ignored with the reason otherwise).
/// </summary>
public abstract class EngineGemmTests
{
    /// <summary>Shapes (m, n, k): empty, ones, odd primes, and sizes around vector and tile edges.</summary>
    private static readonly (int M, int N, int K)[] Shapes =
    [
        (0, 0, 0), (0, 3, 2), (3, 0, 2), (3, 2, 0), (1, 1, 1), (1, 9, 1), (9, 1, 1), (1, 1, 9), (2, 3, 5),
        (7, 5, 3), (16, 16, 16), (17, 31, 13), (31, 17, 29), (15, 33, 17), (33, 32, 31), (37, 41, 43),
        (63, 64, 65), (97, 129, 127), (131, 67, 257), (255, 257, 130), (513, 129, 300),
    ];

    private ComputeEngine engine = null!;

    /// <summary>The device list this fixture runs on (as in GPUCOMPUTE_DEVICES).</summary>
    protected abstract string Devices { get; }

    /// <summary>Largest m, n or k worth testing here (the emulator is slow).</summary>
    protected virtual int MaxDimension => int.MaxValue;

    /// <summary>The policy; fixtures that split across devices use round-robin so that every device gets tiles.</summary>
    protected virtual SchedulingPolicy Policy => SchedulingPolicy.Weighted;

    /// <summary>Device memory budget for GPU and emulator devices; null is the engine's default.</summary>
    protected virtual long? MemoryBudgetBytes => null;

    /// <summary>Tile sizes; null is the engine's default.</summary>
    private protected virtual TilePlanner? Tiling => null;

    public static IEnumerable<TestCaseData> ShapeCases() =>
        Shapes.Select(s => new TestCaseData(s.M, s.N, s.K).SetArgDisplayNames($"{s.M}x{s.N}x{s.K}"));

    [OneTimeSetUp]
    public void CreateEngine()
    {
        try
        {
            engine = new ComputeEngine(new ComputeEngineOptions { Devices = Devices, Policy = Policy, Tiling = Tiling, DeviceMemoryBudgetBytes = MemoryBudgetBytes });
        }
        catch (InvalidOperationException e) when (Devices is "cuda" or "opencl")
        {
            Assert.Ignore($"No {Devices} device on this machine: {e.Message}");
        }
    }

    [OneTimeTearDown]
    public void DisposeEngine() => engine?.Dispose();

    [TestCaseSource(nameof(ShapeCases))]
    public void Gemm_AllTransposesStridedNaNInC_MatchesReference(int m, int n, int k)
    {
        SkipIfTooLarge(m, n, k);
        foreach (Transpose opA in Enum.GetValues<Transpose>())
        {
            foreach (Transpose opB in Enum.GetValues<Transpose>())
            {
                Check<float>(m, n, k, opA, opB, alpha: 1.5, beta: 0, seed: 11 + m + n + k, padding: 3);
                Check<double>(m, n, k, opA, opB, alpha: 1.5, beta: 0, seed: 17 + m + n + k, padding: 3);
            }
        }
    }

    [TestCase(1.0, 1.0)]
    [TestCase(-0.5, 2.0)]
    [TestCase(0.0, 0.5)]
    [TestCase(2.0, -1.0)]
    [TestCase(0.0, 0.0)]
    public void Gemm_AlphaBeta_MatchesReference(double alpha, double beta)
    {
        foreach ((int m, int n, int k) in new[] { (1, 1, 1), (17, 31, 13), (37, 41, 43), (255, 257, 130) })
        {
            if (Math.Max(m, Math.Max(n, k)) > MaxDimension)
            {
                continue;
            }

            Check<float>(m, n, k, Transpose.None, Transpose.Transposed, alpha, beta, seed: 5, padding: 1);
            Check<double>(m, n, k, Transpose.Transposed, Transpose.None, alpha, beta, seed: 6, padding: 0);
        }
    }

    [Test]
    public void Gemm_NaNAndInfinityInA_PropagateToTheirRow()
    {
        int m = 9, n = 7, k = 5;
        HostMatrix<double> a = TestMatrices.Random<double>(m, k, 1);
        HostMatrix<double> b = TestMatrices.Random<double>(k, n, 2);
        a[2, 3] = double.NaN;
        a[5, 0] = double.PositiveInfinity;
        var c = new HostMatrix<double>(m, n);
        engine.Gemm(a, b, c);

        Assert.Multiple(() =>
        {
            for (int j = 0; j < n; j++)
            {
                Assert.That(c[2, j], Is.NaN, $"C[2,{j}]");
                Assert.That(double.IsInfinity(c[5, j]) || double.IsNaN(c[5, j]), Is.True, $"C[5,{j}] = {c[5, j]}");
                Assert.That(double.IsFinite(c[4, j]), Is.True, $"C[4,{j}]");
            }
        });
    }

    [Test]
    public void Gemm_Report_CountsEveryTileOnce()
    {
        int m = Math.Min(70, MaxDimension), n = Math.Min(45, MaxDimension), k = Math.Min(33, MaxDimension);
        var c = new HostMatrix<float>(m, n);
        GemmReport report = engine.Gemm(TestMatrices.Random<float>(m, k, 3), TestMatrices.Random<float>(k, n, 4), c);

        Assert.That(report.Trace.Sum(r => r.Tile.Rows * r.Tile.Cols), Is.EqualTo(m * n));
        Assert.That(report.Devices.Sum(d => d.Tiles), Is.EqualTo(report.Trace.Count));
        Assert.That(report.Devices.Select(d => d.DeviceId), Is.EqualTo(engine.Devices.Select(d => d.Id)));
        Assert.That(report.Devices.Sum(d => d.Flops), Is.EqualTo(2.0 * m * n * k).Within(1e-6).Percent);
    }

    protected void Check<T>(int m, int n, int k, Transpose opA, Transpose opB, double alpha, double beta, int seed, int padding)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        HostMatrix<T> a = opA == Transpose.None ? TestMatrices.Random<T>(m, k, seed, padding) : TestMatrices.Random<T>(k, m, seed, padding);
        HostMatrix<T> b = opB == Transpose.None ? TestMatrices.Random<T>(k, n, seed + 1, padding) : TestMatrices.Random<T>(n, k, seed + 1, padding);
        HostMatrix<T> c = TestMatrices.Random<T>(m, n, seed + 2, padding);
        if (beta == 0)
        {
            c.Fill(T.NaN); // BLAS semantics: with β = 0, C is never read
        }

        T al = T.CreateTruncating(alpha), be = T.CreateTruncating(beta);
        ReferenceGemm.Expected expected = ReferenceGemm.Compute(al, a, opA, b, opB, be, c);
        engine.Gemm(al, a, opA, b, opB, be, c);
        expected.AssertMatches(c, $"{typeof(T).Name} {m}x{n}x{k} op(A)={opA} op(B)={opB} alpha={alpha} beta={beta} on {Devices}");
    }

    private void SkipIfTooLarge(int m, int n, int k)
    {
        if (Math.Max(m, Math.Max(n, k)) > MaxDimension)
        {
            Assert.Ignore($"{m}x{n}x{k} is larger than this device set's test limit ({MaxDimension}).");
        }
    }
}
