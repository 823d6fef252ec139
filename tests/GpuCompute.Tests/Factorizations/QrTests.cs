using System.Numerics;
using GpuCompute.Matrices;
using GpuCompute.Scheduling;
using GpuCompute.Tests.Support;
using NUnit.Framework;

namespace GpuCompute.Tests.Factorizations;

/// <summary>
/// Tile Householder QR on a device set, with 32-wide tiles: ‖A − Q·R‖/‖A‖ and ‖QᵀQ − I‖ against c·m·u for random
/// tall and square matrices around the tile edge, least squares against MathNet, and the error cases.
/// </summary>
public abstract class QrTests : DeviceSetFixture
{
    [SetUp]
    public void SmallTiles() => Engine.FactorTile = 32;

    private static HostMatrix<T> Random<T>(int m, int n, int seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        var a = new HostMatrix<T>(m, n);
        for (int i = 0; i < a.Data.Length; i++)
        {
            a.Data[i] = T.CreateTruncating(random.NextDouble() - 0.5);
        }

        return a;
    }

    [TestCase(0, 0, "f64")]
    [TestCase(1, 1, "f64")]
    [TestCase(33, 33, "f64")]
    [TestCase(65, 31, "f64")]
    [TestCase(100, 64, "f64")]
    [TestCase(97, 97, "f32")]
    [TestCase(130, 70, "f32")]
    public void Qr_Random_BackwardErrorAndOrthogonality(int m, int n, string precision)
    {
        if (precision == "f32")
        {
            Check<float>(m, n, Math.ScaleB(1, -24));
        }
        else
        {
            Check<double>(m, n, Math.ScaleB(1, -53));
        }
    }

    [TestCase("ill-conditioned")]
    [TestCase("graded")]
    public void Qr_HardMatrices_BackwardErrorAndOrthogonality(string kind) => Check(LuTests.Hard(kind, 120, 29), Math.ScaleB(1, -53));

    private void Check<T>(int m, int n, double unit)
        where T : unmanaged, IFloatingPointIeee754<T> => Check(Random<T>(m, n, m + n), unit);

    private void Check<T>(HostMatrix<T> a, double unit)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = a.Rows, n = a.Cols;
        var (r, q) = Engine.QrExplicit(a);
        double diff = 0, norm = 0, orthogonality = 0;
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p <= j; p++)
                {
                    sum += double.CreateTruncating(q[i, p]) * double.CreateTruncating(r[p, j]);
                }

                double exact = double.CreateTruncating(a[i, j]);
                diff += (exact - sum) * (exact - sum);
                norm += exact * exact;
            }
        }

        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < m; p++)
                {
                    sum += double.CreateTruncating(q[p, i]) * double.CreateTruncating(q[p, j]);
                }

                orthogonality = Math.Max(orthogonality, Math.Abs(sum - (i == j ? 1 : 0)));
            }
        }

        double bound = 8 * Math.Max(m, 1) * unit;
        Assert.That(norm == 0 ? 0 : Math.Sqrt(diff / norm), Is.LessThanOrEqualTo(bound), "‖A − QR‖/‖A‖");
        Assert.That(orthogonality, Is.LessThanOrEqualTo(bound), "max |QᵀQ − I|");

        // The in-place factorization leaves the same R, to rounding: which device runs each update (and so how its
        // sums are ordered) may differ from run to run.
        var inPlace = new HostMatrix<T>(m, n);
        a.Data.CopyTo(inPlace.Data, 0);
        var report = Engine.Qr(inPlace, new T[n]);
        if (Policy == SchedulingPolicy.RoundRobin && n >= 96)
        {
            // Dealt blind to where tiles are, the updates run on both devices (the emulator's on its tile copies).
            var updaters = report.Trace.Where(t => t.Item.StartsWith("update", StringComparison.Ordinal)).Select(t => t.DeviceId).Distinct();
            Assert.That(updaters, Is.EquivalentTo(Engine.Devices.Select(d => d.Id)), "devices that ran updates");
        }

        for (int i = 0; i < n; i++)
        {
            for (int j = i; j < n; j++)
            {
                Assert.That(double.CreateTruncating(inPlace[i, j]), Is.EqualTo(double.CreateTruncating(r[i, j])).Within(bound), $"R[{i}, {j}]");
            }
        }
    }

    [TestCase(120, 50, 3)]
    [TestCase(64, 64, 1)]
    public void LeastSquares_MatchesMathNet(int m, int n, int rhs)
    {
        var a = Random<double>(m, n, 11);
        var b = Random<double>(m, rhs, 12);
        var before = a.Data.ToArray();
        var x = Engine.LeastSquares(a, b);
        Assert.That(a.Data, Is.EqualTo(before), "A is not modified");
        var build = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build;
        var expected = build.Dense(m, n, (i, j) => a[i, j]).QR().Solve(build.Dense(m, rhs, (i, j) => b[i, j]));
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < rhs; j++)
            {
                Assert.That(x[i, j], Is.EqualTo(expected[i, j]).Within(1e-10 * (1 + Math.Abs(expected[i, j]))), $"x[{i}, {j}]");
            }
        }
    }

    [Test]
    public void Qr_BadInput_IsNamed()
    {
        Assert.That(Assert.Throws<ArgumentException>(() => Engine.Qr(new HostMatrix<double>(3, 5), new double[5]))!.Message, Does.Contain("3 x 5"));
        Assert.That(Assert.Throws<ArgumentException>(() => Engine.Qr(new HostMatrix<double>(5, 3), new double[2]))!.Message, Does.Contain("tau has 2 elements"));
        var nan = Random<double>(6, 4, 1);
        nan[5, 2] = double.NaN;
        Assert.That(Assert.Throws<ArgumentException>(() => Engine.Qr(nan, new double[4]))!.Message, Does.Contain("A[5, 2] is NaN"));
        var deficient = Random<double>(40, 36, 2);
        for (int i = 0; i < 40; i++)
        {
            deficient[i, 34] = 0;
        }

        Assert.That(Assert.Throws<ArgumentException>(() => Engine.LeastSquares(deficient, Random<double>(40, 1, 3)))!.Message, Does.Contain("rank-deficient").And.Contain("R[34, 34]"));
        Assert.That(Assert.Throws<ArgumentException>(() => Engine.LeastSquares(Random<double>(8, 4, 4), Random<double>(7, 1, 5)))!.Message, Does.Contain("B has 7 rows"));
    }
}

/// <summary>QR on the CPU device.</summary>
public sealed class CpuQrTests : QrTests
{
    protected override string Devices => "cpu";
}

/// <summary>QR with the updates open to the emulator too.</summary>
public sealed class SplitQrTests : QrTests
{
    protected override string Devices => "cpu,ilgpu-cpu";
}

/// <summary>QR on the emulator alone: panels, updates, Qᵀ·B and the triangular solve all on the device.</summary>
public sealed class EmulatorQrTests : QrTests
{
    protected override string Devices => "ilgpu-cpu";
}

/// <summary>QR with tasks dealt round-robin between the CPU device and the emulator: the updates run on both, the
/// emulator's on tile copies of A and of the reflectors.</summary>
public sealed class RoundRobinQrTests : QrTests
{
    protected override string Devices => "cpu,ilgpu-cpu";

    protected override SchedulingPolicy? Policy => SchedulingPolicy.RoundRobin;
}

/// <summary>QR with CUDA devices beside the CPU; ignored with the reason when none is present.</summary>
public sealed class CudaQrTests : QrTests
{
    protected override string Devices => "cpu,cuda";
}
