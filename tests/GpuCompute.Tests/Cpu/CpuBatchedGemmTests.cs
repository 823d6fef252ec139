using System.Numerics;
using GpuCompute.Backends.Cpu;
using GpuCompute.Matrices;
using GpuCompute.Tests.Support;
using GpuCompute.Verification;
using NUnit.Framework;

namespace GpuCompute.Tests.Cpu;

/// <summary>
/// The small-matrix batched GEMM kernels against the double-precision reference, once per forced kernel: shapes
/// around the vector widths (8 and 16 lanes for 512-bit f32 / f64 and 256-bit f32, 4 for 256-bit f64), row counts
/// around the four- and eight-row blocks, masked column tails, β = 0 over NaN, and the threshold to the BLIS path.
/// </summary>
// The kernel is passed by name because CpuBatchedKernel is internal and NUnit fixtures are public.
[TestFixture("Vector512")]
[TestFixture("Vector256")]
[TestFixture("Scalar")]
public sealed class CpuBatchedGemmTests
{
    private readonly CpuBatchedKernel _kernel;

    public CpuBatchedGemmTests(string kernel) => _kernel = Enum.Parse<CpuBatchedKernel>(kernel);

    public static IEnumerable<int> Sides => [1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33];

    [SetUp]
    public void SetUp()
    {
        if (!CpuBatchedGemm.IsSupported(_kernel))
        {
            Assert.Ignore($"{_kernel} kernels are not supported on this CPU.");
        }
    }

    [Test]
    public void F32_ShapesAroundVectorWidths_MatchReference([ValueSource(nameof(Sides))] int m, [ValueSource(nameof(Sides))] int n)
    {
        foreach (int k in new[] { 1, 2, 5, 16, 17 })
        {
            Check<float>(3, m, k, n, 0.75f, -1.25f, seed: m + (3 * n) + (7 * k));
        }
    }

    [Test]
    public void F64_ShapesAroundVectorWidths_MatchReference([ValueSource(nameof(Sides))] int m, [ValueSource(nameof(Sides))] int n)
    {
        foreach (int k in new[] { 1, 3, 8, 9 })
        {
            Check(3, m, k, n, -1.5, 0.5, seed: m + (5 * n) + (11 * k));
        }
    }

    [Test]
    public void ZeroK_ScalesC([Values(0f, 2f)] float beta) => Check(2, 5, 0, 19, 1f, beta, seed: 1);

    [Test]
    public void AlphaOneBetaOne_MatchesReference() => Check(4, 12, 33, 40, 1.0, 1.0, seed: 2);

    [Test]
    public void BetaZero_DoesNotReadNaNInC([Values(1, 8, 16, 17, 32, 33)] int n)
    {
        Check(3, 9, 7, n, 2f, 0f, seed: n, nanC: true);
        Check(3, 9, 7, n, 2.0, 0.0, seed: n, nanC: true);
    }

    [Test]
    public void NaNInA_ReachesEveryColumnOfItsRow()
    {
        const int m = 5, k = 4, n = 19;
        float[] a = TestMatrices.Random<float>(m, k, 3).Data, b = TestMatrices.Random<float>(k, n, 4).Data, c = new float[m * n];
        a[(2 * k) + 1] = float.NaN;
        CpuBatchedGemm.Multiply(1f, a, b, 0f, c, 1, m, n, k, 1, _kernel);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                Assert.That(float.IsNaN(c[(i * n) + j]), Is.EqualTo(i == 2), $"c[{i},{j}] = {c[(i * n) + j]}");
            }
        }
    }

    [Test]
    public void ManyMatricesOnSeveralThreads_MatchReference()
    {
        Check(2000, 6, 5, 7, 0.5f, 1.5f, seed: 5, threads: 4);
        Check(1500, 16, 16, 16, 1.0, -1.0, seed: 6, threads: 3);
    }

    [Test]
    public void LastMatrixEndsAtTheArrayEnd_MaskedTailStaysInside()
    {
        // The arrays are exactly as long as the batch, so a tail read or write past n would leave them.
        Check(1, 3, 2, 1, 1f, 1f, seed: 7);
        Check(1, 1, 1, 17, 1f, 1f, seed: 8);
        Check(1, 1, 1, 9, 1.0, 1.0, seed: 9);
    }

    [Test]
    public void ThresholdBoundary_BothSidesMatchReference()
    {
        // 64 x 64 x 64 is the last shape the batched GEMM operation gives these kernels (64 x 65 x 64 goes to CpuGemm;
        // both sides through the engine are in LinearAlgebraTests.GemmBatched_Large_MatchesReference); the kernels
        // themselves take any shape.
        Assert.That(64L * 64 * 64, Is.EqualTo(CpuBatchedGemm.DirectLimit));
        Check(3, 64, 64, 64, 0.5f, 2f, seed: 10);
        Check(3, 64, 64, 64, 0.5, 2.0, seed: 11);
        Check(2, 64, 65, 64, 0.5f, 2f, seed: 12);
    }

    private void Check<T>(int count, int m, int k, int n, T alpha, T beta, int seed, bool nanC = false, int threads = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] a = Batch<T>(count, m, k, seed), b = Batch<T>(count, k, n, seed + 1);
        T[] c = nanC ? Enumerable.Repeat(T.NaN, count * m * n).ToArray() : Batch<T>(count, m, n, seed + 2);
        T[] result = (T[])c.Clone();
        CpuBatchedGemm.Multiply(alpha, a, b, beta, result, count, m, n, k, threads, _kernel);
        for (int i = 0; i < count; i++)
        {
            HostMatrix<T> View(T[] data, int rows, int cols) => new(data, rows, cols, Math.Max(1, cols), i * rows * cols);
            var expected = ReferenceGemm.Compute(alpha, View(a, m, k), Transpose.None, View(b, k, n), Transpose.None, beta, View(c, m, n));
            expected.AssertMatches(View(result, m, n), $"{_kernel} matrix {i} of {count} x [{m} x {k} * {k} x {n}]");
        }
    }

    /// <summary>Random data exactly <paramref name="count"/>·rows·cols long.</summary>
    private static T[] Batch<T>(int count, int rows, int cols, int seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] data = count * rows == 0 || cols == 0 ? [] : TestMatrices.Random<T>(count * rows, cols, seed).Data;
        Array.Resize(ref data, count * rows * cols);
        return data;
    }
}
