using System.Numerics;
using GpuCompute.Backends;
using GpuCompute.Factorizations;
using GpuCompute.Matrices;
using GpuCompute.Scheduling;
using GpuCompute.Tests.Support;
using NUnit.Framework;

namespace GpuCompute.Tests.Factorizations;

/// <summary>
/// Tile Cholesky and its solve on a device set, with 32 × 32 tiles so that small matrices have many tiles: sizes
/// around the tile edge, random SPD matrices against the backward-error bound and MathNet, the strict upper triangle
/// untouched, and every error case (not positive definite, named at the failing column; NaN; non-square).
/// </summary>
public abstract class CholeskyTests : DeviceSetFixture
{
    private const int Tile = 32;

    [SetUp]
    public void SmallTiles() => Engine.FactorTile = Tile;

    /// <summary>A random SPD matrix M·Mᵀ/n + I (condition number of order ten), and the same in double.</summary>
    internal static (HostMatrix<T> A, double[,] Exact) Spd<T>(int n, int seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        var m = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                m[i, j] = random.NextDouble() - 0.5;
            }
        }

        var a = new HostMatrix<T>(n, n);
        var exact = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double sum = 0;
                for (int p = 0; p < n; p++)
                {
                    sum += m[i, p] * m[j, p];
                }

                double v = double.CreateTruncating(T.CreateTruncating((sum / Math.Max(n, 1)) + (i == j ? 1 : 0)));
                exact[i, j] = exact[j, i] = v;
                a[i, j] = a[j, i] = T.CreateTruncating(v);
            }
        }

        return (a, exact);
    }

    private static double Unit<T>() => typeof(T) == typeof(float) ? Math.ScaleB(1, -24) : Math.ScaleB(1, -53);

    /// <summary>‖A − L·Lᵀ‖_F / ‖A‖_F, from L's lower triangle, in double.</summary>
    internal static double BackwardError<T>(HostMatrix<T> l, double[,] a)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = l.Rows;
        double diff = 0, norm = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double sum = 0;
                for (int p = 0; p <= j; p++)
                {
                    sum += double.CreateTruncating(l[i, p]) * double.CreateTruncating(l[j, p]);
                }

                double weight = i == j ? 1 : 2;
                diff += weight * (a[i, j] - sum) * (a[i, j] - sum);
                norm += weight * a[i, j] * a[i, j];
            }
        }

        return norm == 0 ? 0 : Math.Sqrt(diff / norm);
    }

    [Test]
    public void Cholesky_RandomSpd_WithinBackwardErrorBound_UpperUntouched(
        [Values(0, 1, 2, 31, 32, 33, 63, 64, 65, 97, 160)] int n, [Values("f32", "f64")] string precision)
    {
        if (precision == "f32")
        {
            Check<float>(n);
        }
        else
        {
            Check<double>(n);
        }
    }

    private void Check<T>(int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (a, exact) = Spd<T>(n, seed: n + 1);
        T sentinel = T.CreateTruncating(12345.5);
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                a[i, j] = sentinel;
            }
        }

        var report = Engine.Cholesky(a);
        double bound = 4 * Math.Max(n, 1) * Unit<T>(); // c·n·u with c = 4
        Assert.That(BackwardError(a, exact), Is.LessThanOrEqualTo(bound));
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                Assert.That(a[i, j], Is.EqualTo(sentinel), $"A[{i}, {j}] was written");
            }
        }

        int tiles = (n + Tile - 1) / Tile;
        Assert.That(report.Trace, Has.Count.EqualTo(tiles + (tiles * (tiles - 1)) + (tiles * (tiles - 1) * (tiles - 2) / 6)), "potrf + trsm + syrk + gemm tasks");
        var ids = Engine.Devices.Select(d => d.Id).ToHashSet();
        Assert.That(report.Trace.Select(r => r.DeviceId), Has.All.Matches<string>(ids.Contains));
        if (Policy == SchedulingPolicy.RoundRobin && tiles >= 4)
        {
            // Dealt blind to where tiles are, the triangular tasks run on both devices.
            var triangular = report.Trace.Where(r => !r.Item.StartsWith("gemm", StringComparison.Ordinal)).Select(r => r.DeviceId).Distinct();
            Assert.That(triangular, Is.EquivalentTo(ids), "devices that ran POTRF, TRSM or SYRK tasks");
        }
    }

    [Test]
    public void Cholesky_MatchesMathNet_F64()
    {
        const int n = 100;
        var (a, exact) = Spd<double>(n, 5);
        var expected = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfArray(exact).Cholesky().Factor;
        Engine.Cholesky(a);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                Assert.That(a[i, j], Is.EqualTo(expected[i, j]).Within(1e-12), $"L[{i}, {j}]");
            }
        }
    }

    [TestCase("ill-conditioned")]
    [TestCase("graded")]
    public void Cholesky_HardSpdMatrices_StayWithinBackwardErrorBound(string kind)
    {
        const int n = 120;
        var random = new Random(17);
        var build = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build;
        MathNet.Numerics.LinearAlgebra.Matrix<double> exact;
        if (kind == "ill-conditioned")
        {
            // Q·diag(10^0 … 10^-10)·Qᵀ with Q orthogonal: condition number 10¹⁰.
            var q = build.Dense(n, n, (_, _) => random.NextDouble() - 0.5).QR().Q;
            var d = build.DenseOfDiagonalArray([.. Enumerable.Range(0, n).Select(i => Math.Pow(10, -10.0 * i / (n - 1)))]);
            exact = q * d * q.Transpose();
        }
        else
        {
            // D·S·D with S well conditioned and D graded over twelve orders of magnitude.
            var m = build.Dense(n, n, (_, _) => random.NextDouble() - 0.5);
            var scale = build.DenseOfDiagonalArray([.. Enumerable.Range(0, n).Select(i => Math.Pow(10, -12.0 * i / (n - 1)))]);
            exact = scale * ((m * m.Transpose() / n) + build.DenseIdentity(n)) * scale;
        }

        exact = (exact + exact.Transpose()) / 2;
        var a = new HostMatrix<double>(n, n);
        var reference = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                a[i, j] = reference[i, j] = exact[i, j];
            }
        }

        Engine.Cholesky(a);
        Assert.That(BackwardError(a, reference), Is.LessThanOrEqualTo(4 * n * Math.ScaleB(1, -53)));
    }

    [TestCase(70, 1)]
    [TestCase(65, 7)]
    [TestCase(1, 3)]
    [TestCase(96, 0)]
    public void CholeskySolve_SolvesAx_EqualsB(int n, int rhs)
    {
        var (a, exact) = Spd<double>(n, 9);
        var b = new HostMatrix<double>(n, rhs);
        var random = new Random(2);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < rhs; j++)
            {
                b[i, j] = random.NextDouble() - 0.5;
            }
        }

        var original = b.Data.ToArray();
        Engine.Cholesky(a);
        Engine.CholeskySolve(a, b);
        for (int j = 0; j < rhs; j++)
        {
            for (int i = 0; i < n; i++)
            {
                double ax = 0, scale = 0;
                for (int p = 0; p < n; p++)
                {
                    ax += exact[i, p] * b[p, j];
                    scale += Math.Abs(exact[i, p] * b[p, j]);
                }

                Assert.That(Math.Abs(ax - original[(i * rhs) + j]), Is.LessThanOrEqualTo(64 * n * Math.ScaleB(1, -53) * Math.Max(scale, 1)), $"row {i}, rhs {j}");
            }
        }
    }

    [TestCase(40, 5)]
    [TestCase(70, 32)]
    [TestCase(70, 33)]
    [TestCase(70, 0)]
    public void Cholesky_NotPositiveDefinite_NamesTheColumn(int n, int column)
    {
        var a = new HostMatrix<double>(n, n);
        for (int i = 0; i < n; i++)
        {
            a[i, i] = i == column ? -1 : 2;
        }

        var error = Assert.Throws<MatrixNotPositiveDefiniteException>(() => Engine.Cholesky(a));
        Assert.That(error!.Column, Is.EqualTo(column));
        Assert.That(error.Message, Does.Contain($"column {column}").And.Contain($"info = {column + 1}"));
    }

    [Test]
    public void Cholesky_NaNInLowerTriangle_IsReportedAndNothingIsComputed()
    {
        var (a, _) = Spd<double>(50, 3);
        a[40, 7] = double.NaN;
        var before = a.Data.ToArray();
        var error = Assert.Throws<ArgumentException>(() => Engine.Cholesky(a));
        Assert.That(error!.Message, Does.Contain("A[40, 7] is NaN"));
        Assert.That(a.Data, Is.EqualTo(before));

        // The strict upper triangle is not read: NaN there is no error.
        var (b, exact) = Spd<double>(50, 3);
        b[7, 40] = double.NaN;
        Engine.Cholesky(b);
        Assert.That(BackwardError(b, exact), Is.LessThan(1e-13));
    }

    [Test]
    public void Cholesky_NotSquare_NamesBothSizes()
    {
        var error = Assert.Throws<ArgumentException>(() => Engine.Cholesky(new HostMatrix<float>(3, 4)));
        Assert.That(error!.Message, Does.Contain("3 x 4"));
    }

    [Test]
    public void CholeskySolve_BadShapes_AreNamed()
    {
        var l = new HostMatrix<double>(4, 4);
        for (int i = 0; i < 4; i++)
        {
            l[i, i] = 1;
        }

        Assert.That(Assert.Throws<ArgumentException>(() => Engine.CholeskySolve(l, new HostMatrix<double>(5, 2)))!.Message, Does.Contain("B has 5 rows but the factor is 4 x 4"));
        Assert.That(Assert.Throws<ArgumentException>(() => Engine.CholeskySolve(new HostMatrix<double>(4, 3), new HostMatrix<double>(4, 1)))!.Message, Does.Contain("4 x 3"));
        l[2, 2] = 0;
        Assert.That(Assert.Throws<ArgumentException>(() => Engine.CholeskySolve(l, new HostMatrix<double>(4, 1)))!.Message, Does.Contain("L[2, 2] is 0"));
        Assert.That(Assert.Throws<ArgumentException>(() => Engine.CholeskySolve(l, l))!.Message, Does.Contain("shares its array"));
    }
}

/// <summary>Cholesky on the CPU device.</summary>
public sealed class CpuCholeskyTests : CholeskyTests
{
    protected override string Devices => "cpu";
}

/// <summary>Cholesky with the GEMM updates shared between the CPU device and the emulator.</summary>
public sealed class SplitCholeskyTests : CholeskyTests
{
    protected override string Devices => "cpu,ilgpu-cpu";
}

/// <summary>Cholesky on the emulator alone: every task (POTRF, TRSM and SYRK too) runs on its tile copies, through
/// the device tile kernels.</summary>
public sealed class EmulatorCholeskyTests : CholeskyTests
{
    protected override string Devices => "ilgpu-cpu";
}

/// <summary>Cholesky with tasks dealt round-robin between the CPU device and the emulator, blind to where tiles are:
/// every kind of task runs on both, and tiles move between host memory and the emulator's copies all the time.</summary>
public sealed class RoundRobinCholeskyTests : CholeskyTests
{
    protected override string Devices => "cpu,ilgpu-cpu";

    protected override SchedulingPolicy? Policy => SchedulingPolicy.RoundRobin;
}

/// <summary>Cholesky with CUDA devices beside the CPU; ignored with the reason when none is present.</summary>
public sealed class CudaCholeskyTests : CholeskyTests
{
    protected override string Devices => "cpu,cuda";
}

/// <summary>The runtime's failure rules on a real factorization: a device failing mid-graph, and an engine without
/// the CPU device for LU's panels.</summary>
public sealed class CholeskyFaultTests
{
    [Test]
    public void Cholesky_EmulatorFailsMidGraph_ItsTasksRunOnTheCpu_ResultCorrect()
    {
        using var engine = new ComputeEngine(new ComputeEngineOptions
        {
            Devices = "cpu,ilgpu-cpu",
            PersistModels = false,
            InjectFaults = new Dictionary<string, int> { ["ilgpu-cpu"] = 1 },
        });
        engine.FactorTile = 16;
        var (a, exact) = CholeskyTests.Spd<double>(130, 4);
        var report = engine.Cholesky(a);
        Assert.That(CholeskyTests.BackwardError(a, exact), Is.LessThan(1e-13));
        var emulator = report.Devices.Single(d => d.DeviceId == "ilgpu-cpu");
        if (report.Trace.Any(r => r.DeviceId == "ilgpu-cpu" && r.Failed))
        {
            Assert.That(emulator.Error, Does.Contain("ilgpu-cpu"));
        }
    }

    [Test]
    public void Cholesky_CpuFails_IsADeviceFailureNamingIt()
    {
        using var engine = new ComputeEngine(new ComputeEngineOptions
        {
            Devices = "cpu",
            PersistModels = false,
            InjectFaults = new Dictionary<string, int> { ["cpu"] = 3 },
        });
        engine.FactorTile = 16;
        var (a, _) = CholeskyTests.Spd<double>(100, 4);
        var error = Assert.Throws<DeviceFailedException>(() => engine.Cholesky(a));
        Assert.That(error!.Message, Does.Contain("cpu"));
    }
}
