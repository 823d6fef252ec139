using CsCheck;
using GpuCompute.Data;
using GpuCompute.Matrices;
using GpuCompute.Tests.Support;
using GpuCompute.Verification;
using NUnit.Framework;

namespace GpuCompute.Tests.Guarantees;

/// <summary>
/// Every operation that takes α and β, against the BLAS reference definitions, over random shapes, transposes, strides
/// and scalars (CsCheck shrinks a failure to a minimal case): β = 0 never reads the output (NaN there does not survive),
/// α = 0 never reads the factors (NaN there does not reach the output), and otherwise the result is within the K-scaled
/// bound of a double-precision reference. On the CPU device, the emulator and both at once.
/// </summary>
[TestFixture("cpu", 40, 60)]
[TestFixture("ilgpu-cpu", 12, 15)]
[TestFixture("cpu,ilgpu-cpu", 20, 15)]
public sealed class BlasSemanticsPropertyTests(string devices, int maxSize, int iterations)
{
    private static readonly double[] Scalars = [0, 1, -0.5, 2];

    private ComputeEngine engine = null!;

    [OneTimeSetUp]
    public void CreateEngine() =>
        engine = new ComputeEngine(new ComputeEngineOptions
        {
            Devices = devices,
            PersistModels = false,
            Policy = GpuCompute.Scheduling.SchedulingPolicy.RoundRobin, // both devices of a split compute tiles
            Tiling = new(4, 8, 0),
        });

    [OneTimeTearDown]
    public void DisposeEngine() => engine.Dispose();

    private Gen<int> Size => Gen.Int[0, maxSize];

    [Test]
    public void Gemm_AnyShapeAlphaBeta_MatchesBlasReference()
    {
        Gen.Select(Size, Size, Size, Gen.OneOf(Transpose.None, Transpose.Transposed), Gen.OneOf(Transpose.None, Transpose.Transposed),
                Gen.OneOf(Scalars), Gen.OneOf(Scalars), Gen.Int[0, 3])
            .Select(Gen.Int, Gen.Bool, (shape, seed, single) => (shape, seed, single))
            .Sample(
                x =>
                {
                    var ((m, n, k, opA, opB, alpha, beta, padding), seed, single) = x;
                    if (single)
                    {
                        CheckGemm<float>(m, n, k, opA, opB, (float)alpha, (float)beta, padding, seed);
                    }
                    else
                    {
                        CheckGemm(m, n, k, opA, opB, alpha, beta, padding, seed);
                    }
                },
                iter: iterations,
                threads: 1);
    }

    [Test]
    public void DeviceGemm_AnyShapeLayoutAlphaBeta_MatchesBlasReference()
    {
        Gen.Select(Size, Size, Size, Gen.OneOf(Transpose.None, Transpose.Transposed), Gen.OneOf(Transpose.None, Transpose.Transposed),
                Gen.OneOf(Scalars), Gen.OneOf(Scalars), Gen.Int[0, 7])
            .Select(Gen.Int, Gen.Bool, (shape, seed, single) => (shape, seed, single))
            .Sample(
                x =>
                {
                    var ((m, n, k, opA, opB, alpha, beta, layouts), seed, single) = x;
                    if (single)
                    {
                        CheckDeviceGemm<float>(m, n, k, opA, opB, (float)alpha, (float)beta, layouts, seed);
                    }
                    else
                    {
                        CheckDeviceGemm(m, n, k, opA, opB, alpha, beta, layouts, seed);
                    }
                },
                iter: iterations,
                threads: 1);
    }

    [Test]
    public void Gemv_AnyShapeAlphaBeta_MatchesBlasReference()
    {
        Gen.Select(Size, Size, Gen.OneOf(Scalars), Gen.OneOf(Scalars), Gen.Int, Gen.Bool)
            .Sample(
                (m, n, alpha, beta, seed, single) =>
                {
                    if (single)
                    {
                        CheckGemv<float>(m, n, (float)alpha, (float)beta, seed);
                    }
                    else
                    {
                        CheckGemv(m, n, alpha, beta, seed);
                    }
                },
                iter: iterations,
                threads: 1);
    }

    [Test]
    public void GemmBatched_AnyShapeAlphaBeta_MatchesBlasReference()
    {
        Gen.Select(Gen.Int[1, 5], Gen.Int[0, 9], Gen.Int[0, 9], Gen.Int[0, 9], Gen.OneOf(Scalars), Gen.OneOf(Scalars), Gen.Int)
            .Sample(
                (count, m, n, k, alpha, beta, seed) => CheckBatched(count, m, n, k, alpha, beta, seed),
                iter: iterations,
                threads: 1);
    }

    [Test]
    public void Axpy_AlphaZero_LeavesYAndIgnoresNaNInX()
    {
        Gen.Select(Gen.Int[0, 3 * maxSize], Gen.OneOf(Scalars), Gen.Int)
            .Sample(
                (n, alpha, seed) =>
                {
                    var random = new Random(seed);
                    double[] x = Enumerable.Range(0, n).Select(_ => alpha == 0 && random.Next(3) == 0 ? double.NaN : random.NextDouble() - 0.5).ToArray();
                    double[] y = Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.5).ToArray();
                    DataLayout layout = engine.Layout(n, engine.Devices);
                    using DeviceVector<double> dx = engine.UploadVector<double>(x, layout), dy = engine.UploadVector<double>(y, layout);

                    engine.Axpy(alpha, dx, dy);

                    double[] got = dy.ToArray();
                    for (int i = 0; i < n; i++)
                    {
                        if (alpha == 0)
                        {
                            Assert.That(got[i], Is.EqualTo(y[i]), $"y[{i}] of {n} is untouched when α = 0");
                        }
                        else
                        {
                            double want = Math.FusedMultiplyAdd(alpha, x[i], y[i]);
                            Assert.That(got[i], Is.EqualTo(want).Within(1e-15 * (Math.Abs(alpha * x[i]) + Math.Abs(y[i]))), $"y[{i}] of {n}, α = {alpha}");
                        }
                    }
                },
                iter: iterations,
                threads: 1);
    }

    /// <summary>One GEMM: NaN in C where β = 0, NaN in A and B where α = 0, strided views; compared with the reference.</summary>
    private void CheckGemm<T>(int m, int n, int k, Transpose opA, Transpose opB, T alpha, T beta, int padding, int seed)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        (int ar, int ac) = opA == Transpose.None ? (m, k) : (k, m);
        (int br, int bc) = opB == Transpose.None ? (k, n) : (n, k);
        HostMatrix<T> a = TestMatrices.Random<T>(ar, ac, seed, padding), b = TestMatrices.Random<T>(br, bc, seed + 1, padding);
        HostMatrix<T> c = TestMatrices.Random<T>(m, n, seed + 2, padding);
        if (T.IsZero(alpha))
        {
            Poison(a);
            Poison(b);
        }

        if (T.IsZero(beta))
        {
            Poison(c);
        }

        ReferenceGemm.Expected expected = ReferenceGemm.Compute(alpha, a, opA, b, opB, beta, c);
        engine.Gemm(alpha, a, opA, b, opB, beta, c);
        expected.AssertMatches(c, $"{devices}: {m}x{n}x{k} {opA}/{opB} α={alpha} β={beta} padding {padding}");
    }

    /// <summary>One device-resident GEMM; the bits of <paramref name="layouts"/> choose, for A, B and C, a split across
    /// every device or everything on the last device, so operands that do and do not line up with C both occur.</summary>
    private void CheckDeviceGemm<T>(int m, int n, int k, Transpose opA, Transpose opB, T alpha, T beta, int layouts, int seed)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        (int ar, int ac) = opA == Transpose.None ? (m, k) : (k, m);
        (int br, int bc) = opB == Transpose.None ? (k, n) : (n, k);
        HostMatrix<T> a = TestMatrices.Random<T>(ar, ac, seed), b = TestMatrices.Random<T>(br, bc, seed + 1), c = TestMatrices.Random<T>(m, n, seed + 2);
        if (T.IsZero(alpha))
        {
            Poison(a);
            Poison(b);
        }

        if (T.IsZero(beta))
        {
            Poison(c);
        }

        DataLayout Rows(int count, int bit) => (layouts & bit) != 0 ? engine.Layout(count, engine.Devices) : engine.Layout(count, engine.Devices[^1]);
        ReferenceGemm.Expected expected = ReferenceGemm.Compute(alpha, a, opA, b, opB, beta, c);
        using DeviceMatrix<T> da = engine.UploadMatrix(a, Rows(ar, 1)), db = engine.UploadMatrix(b, Rows(br, 2)), dc = engine.UploadMatrix(c, Rows(m, 4));

        engine.Gemm(alpha, da, opA, db, opB, beta, dc);

        expected.AssertMatches(dc.ToHostMatrix(), $"{devices}: device GEMM {m}x{n}x{k} {opA}/{opB} α={alpha} β={beta} layouts {layouts}");
    }

    private void CheckGemv<T>(int m, int n, T alpha, T beta, int seed)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        HostMatrix<T> a = TestMatrices.Random<T>(m, n, seed);
        T[] x = Vector<T>(n, seed + 1), y = Vector<T>(m, seed + 2);
        if (T.IsZero(alpha))
        {
            Poison(a);
            x.AsSpan().Fill(T.NaN);
        }

        if (T.IsZero(beta))
        {
            y.AsSpan().Fill(T.NaN);
        }

        DataLayout rows = engine.Layout(m, engine.Devices);
        using DeviceMatrix<T> da = engine.UploadMatrix(a, rows);
        using DeviceVector<T> dx = engine.UploadVector<T>(x), dy = engine.UploadVector<T>(y, rows);

        engine.Gemv(alpha, da, dx, beta, dy);

        T[] got = dy.ToArray();
        double unit = typeof(T) == typeof(float) ? 6e-8 : 1.2e-16;
        double al = double.CreateTruncating(alpha), be = double.CreateTruncating(beta);
        for (int i = 0; i < m; i++)
        {
            double dot = 0, magnitude = 0;
            for (int j = 0; al != 0 && j < n; j++)
            {
                double term = double.CreateTruncating(a[i, j]) * double.CreateTruncating(x[j]);
                dot += term;
                magnitude += Math.Abs(term);
            }

            double old = be == 0 ? 0 : double.CreateTruncating(y[i]);
            double want = (al * dot) + (be * old);
            double bound = 2 * (n + 2) * unit * ((Math.Abs(al) * magnitude) + Math.Abs(be * old));
            Assert.That(double.CreateTruncating(got[i]), Is.EqualTo(want).Within(bound), $"{devices}: y[{i}] of a {m} x {n} GEMV, α={alpha} β={beta}");
        }
    }

    private void CheckBatched(int count, int m, int n, int k, double alpha, double beta, int seed)
    {
        double[] a = Vector<double>(count * m * k, seed), b = Vector<double>(count * k * n, seed + 1), c = Vector<double>(count * m * n, seed + 2);
        if (alpha == 0)
        {
            Array.Fill(a, double.NaN);
            Array.Fill(b, double.NaN);
        }

        if (beta == 0)
        {
            Array.Fill(c, double.NaN);
        }

        DataLayout layout = engine.Layout(count, engine.Devices);
        using DeviceMatrixBatch<double> da = engine.UploadBatch<double>(a, count, m, k, layout), db = engine.UploadBatch<double>(b, count, k, n, layout);
        using DeviceMatrixBatch<double> dc = engine.UploadBatch<double>(c, count, m, n, layout);

        engine.GemmBatched(alpha, da, db, beta, dc);

        double[] got = dc.ToArray();
        for (int q = 0; q < count; q++)
        {
            var aq = new HostMatrix<double>(a, m, k, Math.Max(1, k), q * m * k);
            var bq = new HostMatrix<double>(b, k, n, Math.Max(1, n), q * k * n);
            var cq = new HostMatrix<double>(c, m, n, Math.Max(1, n), q * m * n);
            ReferenceGemm.Expected expected = ReferenceGemm.Compute(alpha, aq, Transpose.None, bq, Transpose.None, beta, cq);
            expected.AssertMatches(new HostMatrix<double>(got, m, n, Math.Max(1, n), q * m * n), $"{devices}: matrix {q} of {count}, {m}x{n}x{k} α={alpha} β={beta}");
        }
    }

    private static T[] Vector<T>(int length, int seed)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => T.CreateTruncating((random.NextDouble() * 2) - 1)).ToArray();
    }

    private static void Poison<T>(HostMatrix<T> matrix)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> => matrix.Fill(T.NaN);
}
