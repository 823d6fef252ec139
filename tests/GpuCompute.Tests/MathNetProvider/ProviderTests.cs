using GpuCompute.MathNetProvider;
using MathNet.Numerics;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Providers.LinearAlgebra;
using NUnit.Framework;

namespace GpuCompute.Tests.MathNetProvider;

/// <summary>
/// The MathNet provider against MathNet's managed provider: every engine-backed member over all transposes, α and β
/// (NaN in C at β = 0), empty and vector shapes, aliased arrays, and sizes on both sides of the forwarding threshold
/// (forced to 0 so that the engine path runs); and MathNet matrix operations with the provider installed.
/// </summary>
[NonParallelizable] // installs a process-wide MathNet provider
public sealed class ProviderTests
{
    private static readonly Transpose[] Ops = [Transpose.DontTranspose, Transpose.Transpose, Transpose.ConjugateTranspose];

    private GpuComputeLinearAlgebraProvider provider = null!;
    private GpuComputeLinearAlgebraProvider withThreshold = null!;
    private readonly ManagedLinearAlgebraProvider managed = ManagedLinearAlgebraProvider.Instance;

    [OneTimeSetUp]
    public void Create()
    {
        provider = new GpuComputeLinearAlgebraProvider(new ComputeEngineOptions { Devices = "cpu", PersistModels = false }, minEngineVolume: 0);
        withThreshold = new GpuComputeLinearAlgebraProvider(new ComputeEngineOptions { Devices = "cpu", PersistModels = false });
    }

    [OneTimeTearDown]
    public void Release()
    {
        Control.UseManaged();
        provider.Dispose();
        withThreshold.Dispose();
    }

    [TestCase(0, 0, 0)]
    [TestCase(1, 7, 5)]
    [TestCase(7, 1, 5)]
    [TestCase(6, 5, 0)]
    [TestCase(9, 13, 4)]
    [TestCase(40, 33, 70)]
    [TestCase(130, 7, 300)]
    public void MatrixMultiplyWithUpdate_AllTransposesAlphaBeta_MatchesManaged(int m, int n, int k)
    {
        var random = new Random((m * 1000) + (n * 10) + k);
        foreach (Transpose opA in Ops)
        {
            foreach (Transpose opB in Ops)
            {
                foreach ((double alpha, double beta) in new[] { (1.0, 0.0), (-0.5, 1.0), (2.0, 2.0), (0.0, 0.5) })
                {
                    (int rowsA, int columnsA) = opA == Transpose.DontTranspose ? (m, k) : (k, m);
                    (int rowsB, int columnsB) = opB == Transpose.DontTranspose ? (k, n) : (n, k);
                    double[] a = Values(random, rowsA * columnsA), b = Values(random, rowsB * columnsB), c0 = Values(random, m * n);
                    if (beta == 0)
                    {
                        Array.Fill(c0, double.NaN); // β = 0 never reads C
                    }

                    foreach (GpuComputeLinearAlgebraProvider ours in new[] { provider, withThreshold })
                    {
                        double[] expected = (double[])c0.Clone(), actual = (double[])c0.Clone();
                        if (beta == 0)
                        {
                            Array.Clear(expected);
                        }

                        managed.MatrixMultiplyWithUpdate(opA, opB, alpha, a, rowsA, columnsA, b, rowsB, columnsB, beta, expected);
                        ours.MatrixMultiplyWithUpdate(opA, opB, alpha, a, rowsA, columnsA, b, rowsB, columnsB, beta, actual);
                        Close(actual, expected, 1e-13 * (k + 1), $"{m}x{n}x{k} {opA}/{opB} α={alpha} β={beta} threshold {ours.MinEngineVolume}");
                    }

                    float[] af = a.Select(v => (float)v).ToArray(), bf = b.Select(v => (float)v).ToArray(), cf = c0.Select(v => (float)v).ToArray();
                    float[] ef = beta == 0 ? new float[m * n] : (float[])cf.Clone(), gf = (float[])cf.Clone();
                    managed.MatrixMultiplyWithUpdate(opA, opB, (float)alpha, af, rowsA, columnsA, bf, rowsB, columnsB, (float)beta, ef);
                    provider.MatrixMultiplyWithUpdate(opA, opB, (float)alpha, af, rowsA, columnsA, bf, rowsB, columnsB, (float)beta, gf);
                    Close(gf.Select(v => (double)v).ToArray(), ef.Select(v => (double)v).ToArray(), 5e-6 * (k + 1), $"f32 {m}x{n}x{k} {opA}/{opB} α={alpha} β={beta}");
                }
            }
        }
    }

    [Test]
    public void MatrixMultiply_ResultIsAlsoAnInput_StillRight()
    {
        var random = new Random(3);
        double[] a = Values(random, 30 * 30), b = Values(random, 30 * 30);
        double[] expected = new double[30 * 30];
        managed.MatrixMultiply(a, 30, 30, b, 30, 30, expected);
        double[] aliased = (double[])a.Clone();

        provider.MatrixMultiply(aliased, 30, 30, b, 30, 30, aliased);

        Close(aliased, expected, 1e-12, "C = A");
    }

    [Test]
    public void MatrixMultiply_WrongLengths_ThrowLikeManaged()
    {
        double[] a = new double[6], b = new double[6], c = new double[5];
        Type expected = Assert.Catch(() => managed.MatrixMultiply(a, 2, 3, b, 3, 2, c))!.GetType();
        Assert.That(Assert.Catch(() => provider.MatrixMultiply(a, 2, 3, b, 3, 2, c))!.GetType(), Is.EqualTo(expected));
        Assert.That(() => provider.MatrixMultiply(null!, 2, 3, b, 3, 2, new double[4]), Throws.InstanceOf<ArgumentNullException>());
    }

    [TestCase(5)]
    [TestCase(1000)]
    public void ArrayMembers_MatchManaged(int n)
    {
        var random = new Random(n);
        double[] x = Values(random, n), y = Values(random, n);
        Assert.That(provider.DotProduct(x, y), Is.EqualTo(managed.DotProduct(x, y)).Within(1e-12 * n));
        foreach ((string name, Action<double[], double[], double[]> ours, Action<double[], double[], double[]> theirs) in new (string, Action<double[], double[], double[]>, Action<double[], double[], double[]>)[]
        {
            ("add", provider.AddArrays, managed.AddArrays),
            ("subtract", provider.SubtractArrays, managed.SubtractArrays),
            ("multiply", provider.PointWiseMultiplyArrays, managed.PointWiseMultiplyArrays),
        })
        {
            double[] got = new double[n], want = new double[n];
            ours(x, y, got);
            theirs(x, y, want);
            Assert.That(got, Is.EqualTo(want), name);
        }

        Assert.That(provider.MatrixNorm(Norm.FrobeniusNorm, n, 1, x), Is.EqualTo(managed.MatrixNorm(Norm.FrobeniusNorm, n, 1, x)).Within(1e-12 * Math.Sqrt(n)));
        Assert.That(provider.MatrixNorm(Norm.OneNorm, 1, n, x), Is.EqualTo(managed.MatrixNorm(Norm.OneNorm, 1, n, x)));
    }

    [Test]
    public void MatrixOperations_WithTheProviderInstalled_MatchManaged()
    {
        Matrix<double> a = Matrix<double>.Build.Random(60, 60, 1), b = Matrix<double>.Build.Random(60, 45, 2);
        Matrix<double> spd = (a.TransposeThisAndMultiply(a)) + Matrix<double>.Build.DenseIdentity(60);
        Vector<double> x = Vector<double>.Build.Random(60, 3);
        Control.UseManaged();
        (Matrix<double> ab, Matrix<double> atb, Vector<double> ax, Matrix<double> lu, Matrix<double> chol, Matrix<double> qr) =
            (a * b, a.TransposeThisAndMultiply(b), a * x, a.LU().Solve(b), spd.Cholesky().Solve(b), a.QR().Solve(b));

        LinearAlgebraControl.Provider = provider;
        Assert.That(Control.Describe(), Does.Contain("GpuCompute"));
        Assert.Multiple(() =>
        {
            Assert.That((a * b - ab).FrobeniusNorm(), Is.LessThan(1e-10), "a * b");
            Assert.That((a.TransposeThisAndMultiply(b) - atb).FrobeniusNorm(), Is.LessThan(1e-10), "aᵀ·b");
            Assert.That((a * x - ax).L2Norm(), Is.LessThan(1e-10), "a * x");
            Assert.That((a.LU().Solve(b) - lu).FrobeniusNorm(), Is.LessThan(1e-8), "LU solve");
            Assert.That((spd.Cholesky().Solve(b) - chol).FrobeniusNorm(), Is.LessThan(1e-8), "Cholesky solve");
            Assert.That((a.QR().Solve(b) - qr).FrobeniusNorm(), Is.LessThan(1e-8), "QR solve");
        });

        Control.UseSingleThread(); // MathNet calls InitializeVerify again: the provider stays usable
        provider.FreeResources();
        Assert.That((a * b - ab).FrobeniusNorm(), Is.LessThan(1e-10), "after re-initialisation");
        Control.UseMultiThreading();
        Control.UseManaged();
    }

    private static double[] Values(Random random, int n) => Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.5).ToArray();

    private static void Close(double[] actual, double[] expected, double tolerance, string what)
    {
        Assert.That(actual, Has.Length.EqualTo(expected.Length), what);
        for (int i = 0; i < actual.Length; i++)
        {
            Assert.That(actual[i], Is.EqualTo(expected[i]).Within(tolerance * Math.Max(1, Math.Abs(expected[i]))), $"{what}: element {i}");
        }
    }
}
