using System.Numerics;
using GpuCompute.Backends;
using GpuCompute.Factorizations;
using GpuCompute.Matrices;
using GpuCompute.Tests.Support;
using NUnit.Framework;

namespace GpuCompute.Tests.Factorizations;

/// <summary>
/// The LU and QR panels on each target: host memory on the CPU device, and the emulator's buffers (the device kernels
/// for the base cases, GEMMs and triangular solves between them), on strided views, at widths below, at and across the
/// base case's 32 columns. LU: pivots in range, multipliers at most 1, ‖P·A − L·U‖/‖A‖ ≤ c·m·u, the device's pivots
/// equal to the host's, ties to the first row, a zero pivot reported where it is. QR: ‖A − Q·R‖/‖A‖ and ‖QᵀQ − I‖
/// against c·m·u with Q = I − V·T·Vᵀ, and the recursion's V, T and τ equal to the column-by-column panel's.
/// </summary>
[TestFixture]
public sealed class PanelTests
{
    private ComputeEngine engine = null!;

    private static readonly (int Rows, int Cols)[] Shapes = [(1, 1), (7, 5), (32, 32), (45, 32), (33, 33), (64, 64), (101, 64), (70, 70), (130, 65)];

    public static IEnumerable<TestCaseData> Cases() =>
        from device in new[] { "cpu", "ilgpu-cpu" }
        from precision in new[] { "f32", "f64" }
        from shape in Shapes
        select new TestCaseData(device, precision, shape.Rows, shape.Cols).SetArgDisplayNames(device, precision, $"{shape.Rows}x{shape.Cols}");

    [OneTimeSetUp]
    public void CreateEngine()
    {
        engine = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu,ilgpu-cpu", PersistModels = false });
        HostDevice = Device("cpu");
    }

    [OneTimeTearDown]
    public void DisposeEngine() => engine.Dispose();

    private static ComputeDevice HostDevice { get; set; } = null!;

    private ComputeDevice Device(string id) => engine.Devices.Single(d => d.Id == id);

    [TestCaseSource(nameof(Cases))]
    public void LuPanel_PivotsMultipliersAndBackwardError(string device, string precision, int m, int b)
    {
        if (precision == "f32")
        {
            CheckLu<float>(Device(device), m, b, Math.ScaleB(1, -24));
        }
        else
        {
            CheckLu<double>(Device(device), m, b, Math.ScaleB(1, -53));
        }
    }

    private static void CheckLu<T>(ComputeDevice device, int m, int b, double unit)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var a = TestMatrices.Random<T>(m, b, (m * 7) + b);
        var lu = Copy(a);
        var pivots = new int[b];
        Assert.That(Lu(device, lu, pivots), Is.EqualTo(-1), "no zero pivot in a random panel");
        Assert.That(pivots.Select((p, j) => p >= j && p < m), Is.All.True, "pivots in range");
        double worst = 0;
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < Math.Min(i, b); j++)
            {
                worst = Math.Max(worst, Math.Abs(double.CreateTruncating(lu[i, j])));
            }
        }

        Assert.That(worst, Is.LessThanOrEqualTo(1.0), "partial pivoting keeps |L| ≤ 1");
        Assert.That(LuBackwardError(a, lu, pivots), Is.LessThanOrEqualTo(8 * m * unit));

        // The same panel on the host: the same pivots (the device divides by the pivot where the host multiplies by its
        // reciprocal, a rounding apart), the same factors to rounding.
        var host = Copy(a);
        var hostPivots = new int[b];
        Lu(device.ComputesInHostMemory ? device : HostDevice, host, hostPivots);
        Assert.That(pivots, Is.EqualTo(hostPivots));
        Assert.That(MaxDifference(lu, host), Is.LessThanOrEqualTo(64 * b * unit));
    }

    [TestCase("cpu")]
    [TestCase("ilgpu-cpu")]
    public void LuPanel_TiesGoToTheFirstRow_AndAZeroPivotIsReportedWhereItIs(string device)
    {
        // Column 0: magnitude 4 at rows 3 and 5 (ties go to the first, as LAPACK's i_amax); column 2 is zero, so its
        // pivot is exactly zero (the updates subtract multiples of zero). LAPACK reports it (info = 2) and goes on.
        var a = new HostMatrix<double>(40, 36);
        var random = new Random(3);
        for (int i = 0; i < a.Rows; i++)
        {
            for (int j = 0; j < a.Cols; j++)
            {
                a[i, j] = random.NextDouble() - 0.5;
            }

            a[i, 2] = 0;
        }

        a[3, 0] = -4;
        a[5, 0] = 4;
        var pivots = new int[36];
        int info = Lu(Device(device), a, pivots);
        Assert.That(pivots[0], Is.EqualTo(3));
        Assert.That(info, Is.EqualTo(2));
        Assert.That(a[2, 3], Is.Not.NaN, "the columns after the zero pivot are still factored");
    }

    [TestCaseSource(nameof(Cases))]
    public void QrPanel_BackwardErrorOrthogonality_AndTheColumnByColumnReflector(string device, string precision, int m, int b)
    {
        if (precision == "f32")
        {
            CheckQr<float>(Device(device), m, b, Math.ScaleB(1, -24));
        }
        else
        {
            CheckQr<double>(Device(device), m, b, Math.ScaleB(1, -53));
        }
    }

    private static void CheckQr<T>(ComputeDevice device, int m, int b, double unit)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var a = TestMatrices.Random<T>(m, b, (m * 5) + b);
        var qr = Copy(a);
        var v = new HostMatrix<T>(m, b);
        var t = new HostMatrix<T>(b, b);
        var tau = new T[b];
        Qr(device, qr, v, t, tau);

        // Q = I − V·T·Vᵀ in double; A − Q·R and QᵀQ − I.
        var q = new double[m, m];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < m; j++)
            {
                double vtv = 0;
                for (int p = 0; p < b; p++)
                {
                    for (int s = 0; s < b; s++)
                    {
                        vtv += D(v[i, p]) * D(t[p, s]) * D(v[j, s]);
                    }
                }

                q[i, j] = (i == j ? 1 : 0) - vtv;
            }
        }

        double diff = 0, norm = 0, orthogonality = 0;
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < b; j++)
            {
                double sum = 0;
                for (int p = 0; p <= Math.Min(j, m - 1); p++)
                {
                    sum += q[i, p] * D(qr[p, j]);
                }

                diff += Math.Pow(D(a[i, j]) - sum, 2);
                norm += Math.Pow(D(a[i, j]), 2);
            }

            for (int j = 0; j < m; j++)
            {
                double dot = 0;
                for (int p = 0; p < m; p++)
                {
                    dot += q[p, i] * q[p, j];
                }

                orthogonality = Math.Max(orthogonality, Math.Abs(dot - (i == j ? 1 : 0)));
            }
        }

        Assert.That(Math.Sqrt(diff / norm), Is.LessThanOrEqualTo(8 * m * unit), "‖A − QR‖/‖A‖");
        Assert.That(orthogonality, Is.LessThanOrEqualTo(8 * m * unit), "‖QᵀQ − I‖");

        // The recursion's reflector is the one the column-by-column panel builds.
        var (hostQr, hostV, hostT, hostTau) = (Copy(a), new HostMatrix<T>(m, b), new HostMatrix<T>(b, b), new T[b]);
        QrColumns.Factor(hostQr, hostTau, hostV, hostT);
        double scale = 64 * m * unit;
        Assert.That(MaxDifference(qr, hostQr), Is.LessThanOrEqualTo(scale), "R and the vectors");
        Assert.That(MaxDifference(v, hostV), Is.LessThanOrEqualTo(scale), "V");
        Assert.That(MaxDifference(t, hostT), Is.LessThanOrEqualTo(scale), "T");
        Assert.That(tau.Zip(hostTau, (x, y) => Math.Abs(D(x) - D(y))).Max(), Is.LessThanOrEqualTo(scale), "τ");
    }

    /// <summary>LU of <paramref name="a"/> on the device: in place on the CPU device, otherwise through a strided view
    /// of a device buffer (offset 3, rows two elements longer than the panel).</summary>
    private static int Lu<T>(ComputeDevice device, HostMatrix<T> a, int[] pivots)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (device.ComputesInHostMemory)
        {
            return TileKernels.LuPanel(device, a, pivots, default);
        }

        using var buffer = Upload(device, a, out DeviceTile<T> tile);
        int info = TileKernels.LuPanel(device, tile, pivots, default);
        Download(buffer, tile, a);
        return info;
    }

    private static void Qr<T>(ComputeDevice device, HostMatrix<T> a, HostMatrix<T> v, HostMatrix<T> t, T[] tau)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (device.ComputesInHostMemory)
        {
            TileKernels.QrPanel(device, a, v, t, tau, default);
            return;
        }

        using var ab = Upload(device, a, out DeviceTile<T> at);
        using var vb = Upload(device, v, out DeviceTile<T> vt);
        using var tb = Upload(device, t, out DeviceTile<T> tt);
        TileKernels.QrPanel(device, at, vt, tt, tau, default);
        Download(ab, at, a);
        Download(vb, vt, v);
        Download(tb, tt, t);
    }

    private static DeviceBuffer<T> Upload<T>(ComputeDevice device, HostMatrix<T> a, out DeviceTile<T> tile)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int Offset = 3, Pad = 2;
        int leading = a.Cols + Pad;
        var padded = new T[Offset + (a.Rows * leading)];
        Array.Fill(padded, T.NaN); // the padding must never be read into the result
        for (int i = 0; i < a.Rows; i++)
        {
            a.Row(i).CopyTo(padded.AsSpan(Offset + (i * leading), a.Cols));
        }

        DeviceBuffer<T> buffer = device.Allocate<T>(padded.Length);
        buffer.CopyFromHost(padded, 0);
        tile = new DeviceTile<T>(buffer, Offset, leading, a.Rows, a.Cols);
        return buffer;
    }

    private static void Download<T>(DeviceBuffer<T> buffer, DeviceTile<T> tile, HostMatrix<T> a)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var padded = new T[buffer.Length];
        buffer.CopyToHost(0, padded);
        for (int i = 0; i < a.Rows; i++)
        {
            padded.AsSpan((int)(tile.Offset + (i * tile.Leading)), a.Cols).CopyTo(a.Row(i));
        }
    }

    private static double D<T>(T x)
        where T : unmanaged, IFloatingPointIeee754<T> => double.CreateTruncating(x);

    private static HostMatrix<T> Copy<T>(HostMatrix<T> a)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var copy = new HostMatrix<T>(a.Rows, a.Cols);
        a.Data.CopyTo(copy.Data, 0);
        return copy;
    }

    private static double MaxDifference<T>(HostMatrix<T> x, HostMatrix<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        x.Data.Zip(y.Data, (p, q) => Math.Abs(D(p) - D(q))).DefaultIfEmpty(0).Max();

    /// <summary>‖P·A − L·U‖_F / ‖A‖_F for an m × b panel, in double.</summary>
    private static double LuBackwardError<T>(HostMatrix<T> a, HostMatrix<T> lu, int[] pivots)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = a.Rows, b = a.Cols;
        var pa = new double[m, b];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < b; j++)
            {
                pa[i, j] = D(a[i, j]);
            }
        }

        for (int j = 0; j < b; j++)
        {
            for (int c = 0; c < b && pivots[j] != j; c++)
            {
                (pa[j, c], pa[pivots[j], c]) = (pa[pivots[j], c], pa[j, c]);
            }
        }

        double diff = 0, norm = 0;
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < b; j++)
            {
                double sum = 0;
                for (int p = 0; p <= Math.Min(i, j); p++)
                {
                    sum += (p == i ? 1 : D(lu[i, p])) * D(lu[p, j]);
                }

                diff += Math.Pow(pa[i, j] - sum, 2);
                norm += Math.Pow(pa[i, j], 2);
            }
        }

        return Math.Sqrt(diff / norm);
    }
}
