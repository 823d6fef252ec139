using System.Numerics;
using GpuCompute.Factorizations;
using GpuCompute.Matrices;
using GpuCompute.Scheduling;
using GpuCompute.Tests.Support;
using NUnit.Framework;

namespace GpuCompute.Tests.Factorizations;

/// <summary>
/// Tile LU with partial pivoting on a device set, with 32 × 32 tiles: ‖P·A − L·U‖/‖A‖ against c·n·u for random
/// matrices around the tile edge, the pivots and determinant against MathNet, solves and the inverse, and the error
/// cases (an exactly singular matrix named at its zero pivot, NaN, bad shapes and pivots).
/// </summary>
public abstract class LuTests : DeviceSetFixture
{
    [SetUp]
    public void SmallTiles() => Engine.FactorTile = 32;

    private static HostMatrix<T> Random<T>(int n, int seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        var a = new HostMatrix<T>(n, n);
        for (int i = 0; i < a.Data.Length; i++)
        {
            a.Data[i] = T.CreateTruncating(random.NextDouble() - 0.5);
        }

        return a;
    }

    /// <summary>‖P·A − L·U‖_F / ‖A‖_F in double, with the interchanges applied to A in order.</summary>
    private static double BackwardError<T>(HostMatrix<T> a, HostMatrix<T> lu, int[] pivots)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = a.Rows;
        var pa = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                pa[i, j] = double.CreateTruncating(a[i, j]);
            }
        }

        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n && pivots[i] != i; j++)
            {
                (pa[i, j], pa[pivots[i], j]) = (pa[pivots[i], j], pa[i, j]);
            }
        }

        double diff = 0, norm = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p <= Math.Min(i, j); p++)
                {
                    double l = p == i ? 1 : double.CreateTruncating(lu[i, p]);
                    sum += l * double.CreateTruncating(lu[p, j]);
                }

                diff += (pa[i, j] - sum) * (pa[i, j] - sum);
                norm += pa[i, j] * pa[i, j];
            }
        }

        return norm == 0 ? 0 : Math.Sqrt(diff / norm);
    }

    [Test]
    public void Lu_RandomMatrix_WithinBackwardErrorBound(
        [Values(0, 1, 2, 31, 32, 33, 63, 64, 65, 97, 130)] int n, [Values("f32", "f64")] string precision)
    {
        if (precision == "f32")
        {
            Check<float>(n, Math.ScaleB(1, -24));
        }
        else
        {
            Check<double>(n, Math.ScaleB(1, -53));
        }
    }

    private void Check<T>(int n, double unit)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var a = Random<T>(n, n + 3);
        var lu = new HostMatrix<T>(n, n);
        a.Data.CopyTo(lu.Data, 0);
        var pivots = new int[n];
        var report = Engine.Lu(lu, pivots);
        Assert.That(pivots.Select((p, i) => p >= i && p < n), Is.All.True);
        // c·n·u with c = 8 and the growth factor of partial pivoting on random matrices (of order one here).
        Assert.That(BackwardError(a, lu, pivots), Is.LessThanOrEqualTo(8 * Math.Max(n, 1) * unit));
        if (Policy == SchedulingPolicy.RoundRobin && (n + 31) / 32 >= 4)
        {
            // Dealt blind to where tiles are, the interchanges and U's tile-row solves run on both devices.
            foreach (string kind in new[] { "swap", "trsm" })
            {
                var ran = report.Trace.Where(r => r.Item.StartsWith(kind, StringComparison.Ordinal)).Select(r => r.DeviceId).Distinct();
                Assert.That(ran, Is.EquivalentTo(Engine.Devices.Select(d => d.Id)), $"devices that ran {kind} tasks");
            }
        }
    }

    /// <summary>An n × n general matrix that is hard for a factorization: U·diag(10⁰ … 10⁻¹⁰)·Vᵀ with U, V orthogonal
    /// (condition number 10¹⁰), or D·M with M random and D grading its rows over twelve orders of magnitude.</summary>
    internal static HostMatrix<double> Hard(string kind, int n, int seed)
    {
        var random = new Random(seed);
        var build = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build;
        var m = build.Dense(n, n, (_, _) => random.NextDouble() - 0.5);
        MathNet.Numerics.LinearAlgebra.Matrix<double> hard;
        if (kind == "ill-conditioned")
        {
            var u = m.QR().Q;
            var v = build.Dense(n, n, (_, _) => random.NextDouble() - 0.5).QR().Q;
            hard = u * build.DenseOfDiagonalArray([.. Enumerable.Range(0, n).Select(i => Math.Pow(10, -10.0 * i / (n - 1)))]) * v.Transpose();
        }
        else
        {
            hard = build.DenseOfDiagonalArray([.. Enumerable.Range(0, n).Select(i => Math.Pow(10, -12.0 * i / (n - 1)))]) * m;
        }

        var a = new HostMatrix<double>(n, n);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                a[i, j] = hard[i, j];
            }
        }

        return a;
    }

    [TestCase("ill-conditioned")]
    [TestCase("graded")]
    public void Lu_HardMatrices_StayWithinBackwardErrorBound(string kind)
    {
        const int n = 120;
        var a = Hard(kind, n, 23);
        var lu = new HostMatrix<double>(n, n);
        a.Data.CopyTo(lu.Data, 0);
        var pivots = new int[n];
        Engine.Lu(lu, pivots);
        Assert.That(BackwardError(a, lu, pivots), Is.LessThanOrEqualTo(8 * n * Math.ScaleB(1, -53)));
    }

    [Test]
    public void Lu_MatchesMathNet_PivotsDeterminantAndSolve()
    {
        const int n = 90;
        var a = Random<double>(n, 5);
        var managed = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(n, n, (i, j) => a[i, j]);
        var expected = managed.LU();
        var lu = new HostMatrix<double>(n, n);
        a.Data.CopyTo(lu.Data, 0);
        var pivots = new int[n];
        Engine.Lu(lu, pivots);
        Assert.That(ComputeEngine.LuDeterminant(lu, pivots), Is.EqualTo(expected.Determinant).Within(1e-10 * Math.Abs(expected.Determinant)));

        var b = Random<double>(n, 6).Slice(0, 0, n, 4);
        var x = new HostMatrix<double>(n, 4);
        for (int i = 0; i < n; i++)
        {
            b.Row(i).CopyTo(x.Row(i));
        }

        Engine.LuSolve(lu, pivots, x);
        var reference = expected.Solve(MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(n, 4, (i, j) => b[i, j]));
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < 4; j++)
            {
                Assert.That(x[i, j], Is.EqualTo(reference[i, j]).Within(1e-9 * (1 + Math.Abs(reference[i, j]))), $"x[{i}, {j}]");
            }
        }
    }

    [TestCase(1)]
    [TestCase(70)]
    public void Inverse_TimesA_IsTheIdentity(int n)
    {
        var a = Random<double>(n, 8);
        var before = a.Data.ToArray();
        var inverse = Engine.Inverse(a);
        Assert.That(a.Data, Is.EqualTo(before), "A is not modified");
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < n; p++)
                {
                    sum += a[i, p] * inverse[p, j];
                }

                Assert.That(sum, Is.EqualTo(i == j ? 1 : 0).Within(1e-10), $"(A·A⁻¹)[{i}, {j}]");
            }
        }
    }

    [TestCase(3, 2)]
    [TestCase(40, 35)]
    [TestCase(70, 33)]
    public void Lu_ExactlySingular_NamesTheZeroPivot(int n, int zeroColumn)
    {
        // Column `zeroColumn` is zero, and elimination keeps it exactly zero (each update subtracts multiples of
        // zeros), so the pivot search there finds only zeros: an exactly singular matrix, whatever the rounding.
        var a = Random<double>(n, 4);
        for (int i = 0; i < n; i++)
        {
            a[i, zeroColumn] = 0;
        }

        var error = Assert.Throws<MatrixSingularException>(() => Engine.Lu(a, new int[n]));
        Assert.That(error!.Column, Is.EqualTo(zeroColumn));
        Assert.That(error.Message, Does.Contain("singular").And.Contain($"column {zeroColumn}").And.Contain($"info = {zeroColumn + 1}"));
        Assert.That(Assert.Throws<MatrixSingularException>(() => Engine.Inverse(new HostMatrix<double>(4, 4)))!.Column, Is.EqualTo(0));
    }

    [Test]
    public void Lu_BadInput_IsNamed()
    {
        Assert.That(Assert.Throws<ArgumentException>(() => Engine.Lu(new HostMatrix<double>(3, 4), new int[3]))!.Message, Does.Contain("3 x 4"));
        Assert.That(Assert.Throws<ArgumentException>(() => Engine.Lu(new HostMatrix<double>(3, 3), new int[2]))!.Message, Does.Contain("2 elements"));
        var nan = Random<double>(5, 1);
        nan[3, 1] = double.NaN;
        Assert.That(Assert.Throws<ArgumentException>(() => Engine.Lu(nan, new int[5]))!.Message, Does.Contain("A[3, 1] is NaN"));
        var lu = Random<double>(5, 2);
        var pivots = new int[5];
        Engine.Lu(lu, pivots);
        Assert.That(Assert.Throws<ArgumentException>(() => Engine.LuSolve(lu, pivots, new HostMatrix<double>(6, 1)))!.Message, Does.Contain("B has 6 rows"));
        pivots[2] = 9;
        Assert.That(Assert.Throws<ArgumentException>(() => Engine.LuSolve(lu, pivots, new HostMatrix<double>(5, 1)))!.Message, Does.Contain("pivots[2] is 9"));
    }
}

/// <summary>LU on the CPU device.</summary>
public sealed class CpuLuTests : LuTests
{
    protected override string Devices => "cpu";
}

/// <summary>LU with the GEMM updates open to the emulator too.</summary>
public sealed class SplitLuTests : LuTests
{
    protected override string Devices => "cpu,ilgpu-cpu";
}

/// <summary>LU on the emulator alone: panels, interchanges, solves and updates all on its tile copies.</summary>
public sealed class EmulatorLuTests : LuTests
{
    protected override string Devices => "ilgpu-cpu";
}

/// <summary>LU with tasks dealt round-robin between the CPU device and the emulator: the updates and the solve's
/// triangular tasks run on both, tiles moving between host memory and the emulator's copies.</summary>
public sealed class RoundRobinLuTests : LuTests
{
    protected override string Devices => "cpu,ilgpu-cpu";

    protected override SchedulingPolicy? Policy => SchedulingPolicy.RoundRobin;
}

/// <summary>LU with CUDA devices beside the CPU; ignored with the reason when none is present.</summary>
public sealed class CudaLuTests : LuTests
{
    protected override string Devices => "cpu,cuda";
}
