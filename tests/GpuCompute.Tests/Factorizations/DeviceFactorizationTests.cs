using GpuCompute.Backends;
using GpuCompute.Data;
using GpuCompute.Factorizations;
using GpuCompute.Matrices;
using GpuCompute.Tests.Support;
using NUnit.Framework;

namespace GpuCompute.Tests.Factorizations;

/// <summary>
/// The factorizations on device-resident matrices: a matrix the CPU device holds whole is factored where it lies,
/// one split across the CPU and the emulator through a host copy; both give exactly what the host-matrix call gives
/// on the same input, leave a failed factorization's matrix as it was (when copied), and refuse another engine's data,
/// a disposed matrix and B being the factor.
/// </summary>
[TestFixture("cpu")]
[TestFixture("cpu,ilgpu-cpu")]
public sealed class DeviceFactorizationTests(string devices)
{
    private ComputeEngine engine = null!;

    [SetUp]
    public void Start()
    {
        engine = new ComputeEngine(new ComputeEngineOptions { Devices = devices, PersistModels = false });
        engine.FactorTile = 16;
    }

    [TearDown]
    public void Stop() => engine.Dispose();

    /// <summary>Rows split between every device of the engine (so the emulator holds some when present).</summary>
    private DataLayout Split(long rows) => engine.Layout(rows, engine.Devices, [.. engine.Devices.Select(_ => 1.0)]);

    private static HostMatrix<double> FromDevice(DeviceMatrix<double> m) => new(m.ToArray(), (int)m.Rows, (int)m.Columns, Math.Max(1, (int)m.Columns));

    private static HostMatrix<double> Copy(HostMatrix<double> m) => new([.. m.Data], m.Rows, m.Cols, Math.Max(1, m.Cols));

    [Test]
    public void Cholesky_AndSolve_MatchTheHostCalls([Values(1, 15, 16, 17, 50)] int n)
    {
        var (a, _) = CholeskyTests.Spd<double>(n, 3);
        var b = TestMatrices.Random<double>(n, 3, 4);
        using DeviceMatrix<double> da = engine.UploadMatrix(a, Split(n)), db = engine.UploadMatrix(b, Split(n));
        engine.Cholesky(da);
        engine.CholeskySolve(da, db);

        var ha = Copy(a);
        engine.Cholesky(ha);
        var hb = Copy(b);
        engine.CholeskySolve(ha, hb);
        Assert.That(FromDevice(da).Data, Is.EqualTo(ha.Data).Within(1e-12));
        Assert.That(FromDevice(db).Data, Is.EqualTo(hb.Data).Within(1e-10));
    }

    [Test]
    public void Lu_AndSolve_MatchTheHostCalls([Values(1, 17, 40)] int n)
    {
        var a = TestMatrices.Random<double>(n, n, 5);
        var b = TestMatrices.Random<double>(n, 2, 6);
        using DeviceMatrix<double> da = engine.UploadMatrix(a, Split(n)), db = engine.UploadMatrix(b, Split(n));
        var pivots = new int[n];
        engine.Lu(da, pivots);
        engine.LuSolve(da, pivots, db);

        var ha = Copy(a);
        var hostPivots = new int[n];
        engine.Lu(ha, hostPivots);
        var hb = Copy(b);
        engine.LuSolve(ha, hostPivots, hb);
        Assert.That(pivots, Is.EqualTo(hostPivots));
        Assert.That(FromDevice(da).Data, Is.EqualTo(ha.Data).Within(1e-12));
        Assert.That(FromDevice(db).Data, Is.EqualTo(hb.Data).Within(1e-9));
    }

    [Test]
    public void Qr_MatchesTheHostCall()
    {
        var a = TestMatrices.Random<double>(45, 30, 7);
        using DeviceMatrix<double> da = engine.UploadMatrix(a, Split(45));
        var tau = new double[30];
        engine.Qr(da, tau);
        var ha = Copy(a);
        var hostTau = new double[30];
        engine.Qr(ha, hostTau);
        Assert.That(tau, Is.EqualTo(hostTau).Within(1e-12));
        Assert.That(FromDevice(da).Data, Is.EqualTo(ha.Data).Within(1e-12));
    }

    [Test]
    public void NotPositiveDefinite_NamesTheColumn()
    {
        var (a, _) = CholeskyTests.Spd<double>(40, 8);
        a[33, 33] = -5;
        using DeviceMatrix<double> da = engine.UploadMatrix(a, Split(40));
        var error = Assert.Throws<MatrixNotPositiveDefiniteException>(() => engine.Cholesky(da));
        Assert.That(error!.Message, Does.Contain("33"));
        if (da.Layout.Parts.Count > 1)
        {
            Assert.That(FromDevice(da).Data, Is.EqualTo(a.Data), "a copied matrix is written back only on success");
        }
    }

    [Test]
    public void BadArguments_AreNamed()
    {
        using DeviceMatrix<double> wide = engine.AllocateMatrix<double>(3, 4), square = engine.AllocateMatrix<double>(4, 4);
        Assert.That(Assert.Throws<ArgumentException>(() => engine.Cholesky(wide))!.Message, Does.Contain("3 x 4"));
        Assert.That(Assert.Throws<ArgumentException>(() => engine.Lu(square, new int[3]))!.Message, Does.Contain("3 elements"));
        Assert.That(Assert.Throws<ArgumentException>(() => engine.CholeskySolve(square, square))!.Message, Does.Contain("factor itself"));
        Assert.Throws<ArgumentNullException>(() => engine.Cholesky((DeviceMatrix<double>)null!));

        using var other = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu", PersistModels = false });
        using DeviceMatrix<double> foreign = other.AllocateMatrix<double>(4, 4);
        Assert.That(Assert.Throws<ArgumentException>(() => engine.Cholesky(foreign))!.Message, Does.Contain("another ComputeEngine"));

        DeviceMatrix<double> gone = engine.AllocateMatrix<double>(4, 4);
        gone.Dispose();
        Assert.Throws<ObjectDisposedException>(() => engine.Cholesky(gone));
    }

    [Test]
    public void AMatrixTheCpuHoldsWhole_IsFactoredInItsOwnMemory()
    {
        ComputeDevice cpu = engine.Devices.Single(d => d.Kind == DeviceKind.Cpu);
        var (a, exact) = CholeskyTests.Spd<double>(33, 9);
        using DeviceMatrix<double> da = engine.UploadMatrix(a, engine.Layout(33, cpu));
        DeviceBuffer<double> part = da.Storage.Part(0);
        engine.Cholesky(da);
        Assert.That(part.HostArray, Is.Not.Null);
        Assert.That(CholeskyTests.BackwardError(new HostMatrix<double>(part.HostArray!, 33, 33, 33), exact), Is.LessThan(1e-14));
    }
}
