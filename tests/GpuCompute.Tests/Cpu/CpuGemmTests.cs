using System.Numerics;
using GpuCompute.Backends.Cpu;
using GpuCompute.Matrices;
using GpuCompute.Tests.Support;
using GpuCompute.Verification;
using NUnit.Framework;

namespace GpuCompute.Tests.Cpu;

/// <summary>
/// The CPU GEMM against the double-precision reference, once per forced micro-kernel path. Most tests use a
/// configuration with tiny KC/MC/NC blocks and no direct path or threading thresholds, so that small matrices cross
/// every micro-tile and cache-block edge and every thread split.
/// </summary>
// The path is passed by name because CpuKernelPath is internal and NUnit fixtures are public.
[TestFixture("Vector512")]
[TestFixture("Vector256")]
[TestFixture("Scalar")]
public sealed class CpuGemmTests
{
    private const int SmallKc = 7;

    private readonly CpuKernelPath _path;
    private CpuGemmConfig _tiny = null!;

    public CpuGemmTests(string path) => _path = Enum.Parse<CpuKernelPath>(path);

    public enum Precision
    {
        Single,
        Double,
    }

    [SetUp]
    public void SetUp()
    {
        if (!CpuGemmConfig.IsSupported(_path))
        {
            Assert.Ignore($"{_path} kernels are not hardware-accelerated on this CPU.");
        }

        CpuGemmBlocking natural = CpuGemmConfig.Create(_path).Single;
        _tiny = CpuGemmConfig.Create(
            _path,
            kc: SmallKc,
            mc: 2 * natural.Mr,
            nc: 2 * natural.Nr,
            directMaxVolume: 0,
            directForVectorShapes: false,
            minVolumePerThread: 0,
            sharedPackingMinBytes: 0);
    }

    [Test]
    public void Multiply_ShapesAroundTileAndBlockEdges_MatchesReference(
        [Values] Precision precision, [Values] Transpose opA, [Values] Transpose opB)
    {
        CpuGemmBlocking blocking = precision == Precision.Single ? _tiny.Single : _tiny.Double;
        int mr = blocking.Mr, nr = blocking.Nr, mc = blocking.Mc, nc = blocking.Nc;
        // 7, 8, 9 and mr + 8 reach the 8-row edge kernel (a last strip of up to 8 rows, exactly 8 written straight to C).
        int[] ms = [1, 7, 8, 9, mr - 1, mr, mr + 1, mr + 8, mc - 1, mc + 1];
        int[] ns = [1, nr - 1, nr, nr + 1, nc, nc + 1];
        int[] ks = [1, SmallKc - 1, SmallKc, SmallKc + 1, (2 * SmallKc) + 1];
        int seed = 1;
        foreach (int m in ms.Where(x => x > 0).Distinct())
        {
            foreach (int n in ns.Where(x => x > 0).Distinct())
            {
                foreach (int k in ks.Where(x => x > 0).Distinct())
                {
                    Check(precision, m, n, k, opA, opB, 1.5, -0.75, padding: 3, threads: 1, _tiny, seed++);
                }
            }
        }
    }

    [Test]
    public void Multiply_ZeroOneAndPrimeSizes_MatchesReference(
        [Values] Precision precision, [Values] Transpose opA, [Values] Transpose opB)
    {
        int[] sizes = [0, 1, 2, 13, 37];
        int seed = 100;
        foreach (int m in sizes)
        {
            foreach (int n in sizes)
            {
                foreach (int k in sizes)
                {
                    Check(precision, m, n, k, opA, opB, 0.5, 2.0, padding: 1, threads: 2, _tiny, seed++);
                }
            }
        }
    }

    [Test]
    public void Multiply_AlphaBetaCases_MatchesReference([Values] Precision precision, [Values(0.0, 1.0, -2.5)] double alpha, [Values(0.0, 1.0, 0.5)] double beta)
    {
        Check(precision, 29, 41, 23, Transpose.None, Transpose.Transposed, alpha, beta, padding: 2, threads: 2, _tiny, seed: 7);
        Check(precision, 29, 41, 23, Transpose.Transposed, Transpose.None, alpha, beta, padding: 0, threads: 1, _tiny, seed: 8);
    }

    [Test]
    public void Multiply_BetaZeroWithNaNFilledC_NeverReadsC([Values] Precision precision, [Values] bool direct)
    {
        CpuGemmConfig config = direct ? CpuGemmConfig.Create(_path, directMaxVolume: long.MaxValue) : _tiny;
        if (precision == Precision.Single)
        {
            BetaZeroNeverReadsC<float>(config);
        }
        else
        {
            BetaZeroNeverReadsC<double>(config);
        }
    }

    [Test]
    public void Multiply_KIsZero_ScalesCByBeta([Values] Precision precision)
    {
        if (precision == Precision.Single)
        {
            KZeroScalesC<float>();
        }
        else
        {
            KZeroScalesC<double>();
        }
    }

    [Test]
    public void Multiply_NaNAndInfinityInInputs_PropagateLikeBlas([Values] Precision precision, [Values] bool direct)
    {
        CpuGemmConfig config = direct ? CpuGemmConfig.Create(_path, directMaxVolume: long.MaxValue) : _tiny;
        if (precision == Precision.Single)
        {
            NonFinitePropagates<float>(config);
        }
        else
        {
            NonFinitePropagates<double>(config);
        }
    }

    [Test]
    public void Multiply_MultiThreaded_BitwiseEqualsSingleThreaded(
        [Values] Precision precision, [Values(2, 3, 4)] int threads, [Values(11, 150)] int m)
    {
        if (precision == Precision.Single)
        {
            ThreadsAgree<float>(threads, m);
        }
        else
        {
            ThreadsAgree<double>(threads, m);
        }
    }

    [Test]
    public void Multiply_TeamSharingPackedB_MatchesReference(
        [Values] Precision precision, [Values] Transpose opA, [Values] Transpose opB, [Values(2, 4)] int threads, [Values(0.0, 1.0, 2.0)] double beta)
    {
        // Tall C: the split is by rows only, so the members pack each panel of B together (several KC and NC blocks).
        CpuGemmBlocking blocking = precision == Precision.Single ? _tiny.Single : _tiny.Double;
        int m = (threads * 6 * blocking.Mr) + 5, n = blocking.Nc + 3, k = (3 * SmallKc) + 2;
        Assert.That(CpuGemm.Partition(m, n, blocking, threads, out _, out int colParts), Is.EqualTo(threads));
        Assert.That(colParts, Is.EqualTo(1), "a row split");
        Check(precision, m, n, k, opA, opB, -1.25, beta, padding: 2, threads, _tiny, 77);
    }

    [Test]
    public void Multiply_PackingWithRegisterTiles_MatchesReference(
        [Values] Precision precision, [Values(1, 2)] int threads, [Values] Transpose opA, [Values] Transpose opB)
    {
        // KC of 37 (two or four register tiles of steps, then a scalar tail; the last slice of 6 all tail) and rows
        // around the strips that end within 16 rows of A, where packing falls back to the scalar scatter (untransposed
        // A) or to span copies (transposed A); transposed B's 3 whole micro-panels go through tiles, its 5 last columns
        // through the scatter; operands strided (padding 3).
        CpuGemmBlocking natural = precision == Precision.Single ? CpuGemmConfig.Create(_path).Single : CpuGemmConfig.Create(_path).Double;
        CpuGemmConfig config = CpuGemmConfig.Create(
            _path, kc: 37, mc: 4 * natural.Mr, nc: 3 * natural.Nr, directMaxVolume: 0, directForVectorShapes: false, minVolumePerThread: 0, sharedPackingMinBytes: 0);
        foreach (int m in new[] { 14, 15, 16, 29, 30, 31, 57, 70, 71 })
        {
            Check(precision, m, (3 * natural.Nr) + 5, 80, opA, opB, 0.75, 0.5, padding: 3, threads, config, m);
        }
    }

    [Test]
    public void Multiply_ManyCallersAtOnce_EachGetsItsOwnRightAnswer([Values] Precision precision)
    {
        // Eight threads on one team: one holds it, the others compute alone; every product must still be right.
        var failures = new System.Collections.Concurrent.ConcurrentBag<Exception>();
        Thread[] callers = Enumerable.Range(0, 8).Select(i => new Thread(() =>
        {
            try
            {
                for (int round = 0; round < 3; round++)
                {
                    Check(precision, 97 + i, 61, 33, Transpose.None, Transpose.Transposed, 1.0, 0.5, padding: 1, threads: 2, _tiny, (i * 10) + round);
                }
            }
            catch (Exception e)
            {
                failures.Add(e);
            }
        })).ToArray();
        foreach (Thread t in callers)
        {
            t.Start();
        }

        foreach (Thread t in callers)
        {
            t.Join();
        }

        Assert.That(failures, Is.Empty, string.Join("\n", failures.Select(f => f.Message)));
    }

    [Test]
    public void Multiply_TeamCancelled_StopsEveryMemberAndThrows()
    {
        // Natural blocks, a product of seconds; cancelled shortly after it starts: every member leaves at the next
        // barrier (none waits for one that has gone), and the call throws.
        CpuGemmConfig config = CpuGemmConfig.Create(_path);
        HostMatrix<float> a = TestMatrices.Random<float>(3000, 3000, 1), b = TestMatrices.Random<float>(3000, 3000, 2);
        var c = new HostMatrix<float>(3000, 3000);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(30));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.Throws<OperationCanceledException>(() => CpuGemm.Multiply(1f, a, Transpose.None, b, Transpose.None, 0f, c, 2, config, cancel.Token));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(20)), "it stopped instead of finishing (a hang would never get here)");

        // The team is free again: the next product runs and is right.
        HostMatrix<float> small = TestMatrices.Random<float>(200, 50, 3), other = TestMatrices.Random<float>(50, 40, 4);
        var result = new HostMatrix<float>(200, 40);
        ReferenceGemm.Expected expected = ReferenceGemm.Compute(1f, small, Transpose.None, other, Transpose.None, 0f, result);
        CpuGemm.Multiply(1f, small, Transpose.None, other, Transpose.None, 0f, result, 2, _tiny);
        expected.AssertMatches(result, "after a cancelled team product");
    }

    [Test]
    public void Multiply_DirectPath_MatchesReference([Values] Precision precision, [Values] Transpose opA, [Values] Transpose opB)
    {
        CpuGemmConfig direct = CpuGemmConfig.Create(_path, directMaxVolume: long.MaxValue);
        int seed = 300;
        foreach ((int m, int n, int k) in new[] { (1, 1, 1), (3, 17, 5), (17, 3, 33), (16, 32, 16), (9, 40, 21), (1, 70, 19), (70, 1, 19), (5, 15, 40) })
        {
            Check(precision, m, n, k, opA, opB, 1.25, 0.5, padding: 2, threads: 1, direct, seed++);
        }
    }

    [Test]
    public void Multiply_VectorShapesWithDefaultRouting_MatchesReference([Values] Precision precision, [Values] Transpose opA, [Values] Transpose opB)
    {
        // m = 1 and n = 1 take the direct path under the machine's own configuration; k = 1 stays packed.
        CpuGemmConfig natural = CpuGemmConfig.Create(_path);
        int seed = 400;
        foreach ((int m, int n, int k) in new[] { (1, 300, 77), (300, 1, 77), (1, 1, 600), (150, 90, 1) })
        {
            Check(precision, m, n, k, opA, opB, -0.5, 1.5, padding: 1, threads: 2, natural, seed++);
        }
    }

    [Test]
    public void Multiply_ShortWideWithBInPlaceOrChunkedPacking_MatchesReference([Values] Precision precision, [Values] Transpose opB)
    {
        // One MC block of rows: untransposed B is read in place (its last 3 columns, not a whole micro-panel, packed),
        // transposed B packs in chunks of 8 micro-panels: 21 panels + 3 columns cross two chunk edges inside one NC
        // block (NC = 20 panels) and the NC edge after it; K over two KC slices adds to C; the padding makes B strided.
        CpuGemmBlocking natural = CpuGemmConfig.Create(_path).Single;
        CpuGemmConfig config = CpuGemmConfig.Create(
            _path, kc: SmallKc, mc: 2 * natural.Mr, nc: 20 * natural.Nr, directMaxVolume: 0, directForVectorShapes: false, minVolumePerThread: 0, sharedPackingMinBytes: 0);
        CpuGemmBlocking blocking = precision == Precision.Single ? config.Single : config.Double;
        int n = (21 * blocking.Nr) + 3;
        Check(precision, blocking.Mr + 3, n, (2 * SmallKc) + 1, Transpose.None, opB, 0.75, 0.25, padding: 1, threads: 1, config, seed: 21);
        Check(precision, 2, n, 5, Transpose.Transposed, opB, 1.0, 0.0, padding: 2, threads: 2, config, seed: 22);
    }

    [Test]
    public void Multiply_NaturalBlocksAcrossKcAndMcEdges_MatchesReference([Values] Precision precision)
    {
        // The machine's own block sizes, with K and M just past KC and MC: the only test on full-size blocks.
        CpuGemmConfig natural = CpuGemmConfig.Create(_path);
        CpuGemmBlocking blocking = precision == Precision.Single ? natural.Single : natural.Double;
        Check(precision, blocking.Mc + 1, blocking.Nr + 3, blocking.Kc + 1, Transpose.None, Transpose.None, 1.0, 1.0, padding: 1, threads: 2, natural, seed: 11);
        Check(precision, 2 * blocking.Mr, (2 * blocking.Nr) + 1, blocking.Kc - 1, Transpose.Transposed, Transpose.Transposed, -1.0, 0.0, padding: 0, threads: 2, natural, seed: 12);
    }

    [Test]
    public void Partition_NonSquareShapes_SplitsTheLongerSide()
    {
        var blocking = CpuGemmBlocking.Create(14, 32, 512, 252, 4096);
        Assert.Multiple(() =>
        {
            Assert.That(CpuGemm.Partition(10000, 64, blocking, 2, out int rows, out int cols), Is.EqualTo(2));
            Assert.That((rows, cols), Is.EqualTo((2, 1)));
            Assert.That(CpuGemm.Partition(24, 4096, blocking, 2, out rows, out cols), Is.EqualTo(2));
            Assert.That((rows, cols), Is.EqualTo((1, 2)));
            Assert.That(CpuGemm.Partition(1000, 3000, blocking, 4, out rows, out cols), Is.EqualTo(4));
            Assert.That((rows, cols), Is.EqualTo((1, 4)));
            Assert.That(CpuGemm.Partition(5, 5, blocking, 8, out rows, out cols), Is.EqualTo(1));
        });
    }

    private static void Check(
        Precision precision, int m, int n, int k, Transpose opA, Transpose opB, double alpha, double beta, int padding, int threads, CpuGemmConfig config, int seed)
    {
        if (precision == Precision.Single)
        {
            Check<float>(m, n, k, opA, opB, (float)alpha, (float)beta, padding, threads, config, seed);
        }
        else
        {
            Check<double>(m, n, k, opA, opB, alpha, beta, padding, threads, config, seed);
        }
    }

    private static void Check<T>(
        int m, int n, int k, Transpose opA, Transpose opB, T alpha, T beta, int padding, int threads, CpuGemmConfig config, int seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        HostMatrix<T> a = opA == Transpose.None ? TestMatrices.Random<T>(m, k, seed, padding) : TestMatrices.Random<T>(k, m, seed, padding);
        HostMatrix<T> b = opB == Transpose.None ? TestMatrices.Random<T>(k, n, seed + 1, padding) : TestMatrices.Random<T>(n, k, seed + 1, padding);
        HostMatrix<T> c = TestMatrices.Random<T>(m, n, seed + 2, padding);
        if (T.IsZero(beta))
        {
            c.Fill(T.NaN);
        }

        ReferenceGemm.Expected expected = ReferenceGemm.Compute(alpha, a, opA, b, opB, beta, c);
        CpuGemm.Multiply(alpha, a, opA, b, opB, beta, c, threads, config);
        string context = $"{typeof(T).Name} {config.Path} m={m} n={n} k={k} op={opA}/{opB} α={alpha} β={beta} ld+{padding} threads={threads}";
        expected.AssertMatches(c, context);
        AssertPaddingUntouched(c, padding, context);
    }

    /// <summary>The NaN padding around a strided view of C must still be NaN: nothing was written outside the view.</summary>
    private static void AssertPaddingUntouched<T>(HostMatrix<T> c, int padding, string context)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (padding == 0)
        {
            return;
        }

        for (int index = 0; index < c.Data.Length; index++)
        {
            int relative = index - c.Offset;
            bool inside = relative >= 0 && relative / c.LeadingDimension < c.Rows && relative % c.LeadingDimension < c.Cols;
            if (!inside && !T.IsNaN(c.Data[index]))
            {
                Assert.Fail($"{context}: wrote outside the view of C at array index {index}.");
            }
        }
    }

    private void BetaZeroNeverReadsC<T>(CpuGemmConfig config)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        HostMatrix<T> a = TestMatrices.Random<T>(19, 23, 1, 2), b = TestMatrices.Random<T>(23, 37, 2, 2);
        var c = new HostMatrix<T>(19, 37);
        c.Fill(T.NaN);
        ReferenceGemm.Expected expected = ReferenceGemm.Compute(T.One, a, Transpose.None, b, Transpose.None, T.Zero, c);
        CpuGemm.Multiply(T.One, a, Transpose.None, b, Transpose.None, T.Zero, c, 2, config);
        expected.AssertMatches(c, $"{_path} β=0 over NaN C");
    }

    private void KZeroScalesC<T>()
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        HostMatrix<T> a = TestMatrices.Random<T>(5, 0, 1), b = TestMatrices.Random<T>(0, 6, 2);
        HostMatrix<T> c = TestMatrices.Random<T>(5, 6, 3);
        HostMatrix<T> before = c.Clone();
        T two = T.CreateTruncating(2);
        CpuGemm.Multiply(T.One, a, Transpose.None, b, Transpose.None, two, c, 2, _tiny);
        for (int i = 0; i < 5; i++)
        {
            for (int j = 0; j < 6; j++)
            {
                Assert.That(c[i, j], Is.EqualTo(two * before[i, j]), $"{_path} k=0 β=2 C[{i},{j}]");
            }
        }

        c.Fill(T.NaN);
        CpuGemm.Multiply(T.One, a, Transpose.None, b, Transpose.None, T.Zero, c, 2, _tiny);
        Assert.That(c.Data, Is.All.EqualTo(T.Zero), $"{_path} k=0 β=0 must write zeros over NaN");
    }

    private void NonFinitePropagates<T>(CpuGemmConfig config)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int m = 14, n = 35, k = 9;
        HostMatrix<T> a = TestMatrices.Random<T>(m, k, 1), b = TestMatrices.Random<T>(k, n, 2);
        a[3, 4] = T.NaN; // poisons row 3 of C
        a[5, 0] = T.PositiveInfinity; // row 5: ±∞ by column sign of B[0, j]
        b[2, 30] = T.NaN; // poisons column 30 of C
        b[7, 6] = T.Zero;
        a[9, 7] = T.PositiveInfinity; // ∞·0 in column 6 of row 9: NaN, as BLAS computes it
        foreach (T alpha in new[] { T.One, T.Zero })
        {
            HostMatrix<T> c = TestMatrices.Random<T>(m, n, 3);
            ReferenceGemm.Expected expected = ReferenceGemm.Compute(alpha, a, Transpose.None, b, Transpose.None, T.One, c);
            CpuGemm.Multiply(alpha, a, Transpose.None, b, Transpose.None, T.One, c, 1, config);
            expected.AssertMatches(c, $"{_path} non-finite inputs α={alpha}");
            if (alpha == T.Zero)
            {
                // BLAS: with α = 0, A and B are not read, so C ← β·C stays finite.
                Assert.That(Enumerable.Range(0, m).All(i => Enumerable.Range(0, n).All(j => T.IsFinite(c[i, j]))), Is.True, "α = 0 reads neither A nor B");
                continue;
            }

            Assert.Multiple(() =>
            {
                Assert.That(T.IsNaN(c[3, 0]), Is.True, "NaN in A row 3 reaches C row 3");
                Assert.That(T.IsNaN(c[0, 30]), Is.True, "NaN in B column 30 reaches C column 30");
                Assert.That(T.IsNaN(c[9, 6]), Is.True, "∞·0 gives NaN");
            });
        }
    }

    private void ThreadsAgree<T>(int threads, int m)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int n = 97, k = 45;
        HostMatrix<T> a = TestMatrices.Random<T>(m, k, 1, 1), b = TestMatrices.Random<T>(n, k, 2, 1);
        HostMatrix<T> c1 = TestMatrices.Random<T>(m, n, 3, 1), cN = c1.Clone();
        ReferenceGemm.Expected expected = ReferenceGemm.Compute(T.One, a, Transpose.None, b, Transpose.Transposed, T.One, c1);
        CpuGemm.Multiply(T.One, a, Transpose.None, b, Transpose.Transposed, T.One, c1, 1, _tiny);
        CpuGemm.Multiply(T.One, a, Transpose.None, b, Transpose.Transposed, T.One, cN, threads, _tiny);
        expected.AssertMatches(cN, $"{_path} {threads} threads");
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                Assert.That(cN[i, j], Is.EqualTo(c1[i, j]), $"{_path} {threads} threads C[{i},{j}] differs from one thread");
            }
        }
    }
}
