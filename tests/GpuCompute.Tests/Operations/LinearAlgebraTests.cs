using System.Numerics;
using GpuCompute.Data;
using GpuCompute.Backends;
using GpuCompute.Matrices;
using GpuCompute.Tests.Support;
using GpuCompute.Verification;
using NUnit.Framework;

namespace GpuCompute.Tests.Operations;

/// <summary>
/// GEMV, transpose and batched GEMM on device-resident data, written once and run on every device set by thin
/// subclasses. Products are checked against the double-precision <see cref="ReferenceGemm"/> (tolerance scaled by K),
/// transposes exactly.
/// </summary>
public abstract class LinearAlgebraTests : DeviceSetFixture
{
    /// <summary>Whether the large cases run (not on the emulator, which runs one OS thread per simulated thread).</summary>
    protected virtual bool Large => true;

    public static IEnumerable<TestCaseData> GemvShapes() => Shapes();

    public static IEnumerable<TestCaseData> TransposeShapes() => Shapes();

    public static IEnumerable<TestCaseData> BatchShapes()
    {
        foreach ((int count, int m, int k, int n) in new[]
        {
            (0, 3, 3, 3), (1, 0, 0, 0), (1, 1, 1, 1), (3, 2, 0, 3), (3, 0, 4, 2), (2, 1, 17, 1), (4, 15, 16, 17), (5, 17, 13, 19),
            (2, 16, 1, 16), (3, 31, 33, 32), (1, 33, 32, 31),
        })
        {
            yield return new TestCaseData(count, m, k, n).SetArgDisplayNames($"{count}x[{m}x{k}*{k}x{n}]");
        }
    }

    [TestCaseSource(nameof(GemvShapes))]
    public void Gemv_F32_MatchesReference(int m, int n) => CheckGemv<float>(m, n, 1.5f, -0.75f, seed: m + (7 * n));

    [TestCaseSource(nameof(GemvShapes))]
    public void Gemv_F64_MatchesReference(int m, int n) => CheckGemv<double>(m, n, -0.5, 2.0, seed: m + (7 * n));

    /// <summary>The CPU path's 4-row steps: every row remainder (rows 1–9) against column counts around the vector
    /// widths (16 floats, 8 doubles per AVX-512 vector; 2 vectors per unrolled step).</summary>
    [Test]
    public void Gemv_RowGroupsAndColumnTails_MatchReference()
    {
        foreach (int m in Enumerable.Range(1, 9))
        {
            foreach (int n in new[] { 15, 16, 17, 31, 32, 33, 63, 64, 65 })
            {
                CheckGemv<float>(m, n, 1.25f, -0.5f, seed: (100 * m) + n);
                CheckGemv<double>(m, n, -0.75, 1.5, seed: (100 * m) + n + 1);
                CheckGemvBetaZero<float>(m, n, seed: (100 * m) + n + 2);
                CheckGemvBetaZero<double>(m, n, seed: (100 * m) + n + 3);
            }
        }
    }

    [Test]
    public void Gemv_Large_MatchesReference()
    {
        IgnoreUnlessLarge();
        CheckGemv<float>(1000, 777, 1f, 0.5f, seed: 1);
        CheckGemv<double>(1000, 777, 1d, 0.5d, seed: 2);
    }

    [Test]
    public void Gemv_XWholeOnOneDevice_MatchesReference()
    {
        foreach (ComputeDevice home in Engine.Devices)
        {
            CheckGemv<float>(33, 17, 2f, 1f, seed: 3, xLayout: Engine.Layout(17, home));
        }
    }

    [Test]
    public void Gemv_BetaZero_DoesNotReadY()
    {
        HostMatrix<double> a = TestMatrices.Random<double>(17, 15, 4), x = TestMatrices.Random<double>(15, 1, 5);
        using DeviceMatrix<double> da = Upload(a, Even(17));
        using DeviceVector<double> dx = Engine.UploadVector<double>(x.Data, Even(15));
        using DeviceVector<double> dy = Engine.UploadVector<double>(Enumerable.Repeat(double.NaN, 17).ToArray(), da.Layout);

        Engine.Gemv(2.0, da, dx, 0.0, dy);

        var expected = ReferenceGemm.Compute(2.0, a, Transpose.None, x, Transpose.None, 0.0, new HostMatrix<double>(17, 1));
        expected.AssertMatches(new HostMatrix<double>(dy.ToArray(), 17, 1, 1), "GEMV with beta = 0 over NaN y");
    }

    [TestCaseSource(nameof(TransposeShapes))]
    public void Transpose_F32_MatchesHost(int m, int n) => CheckTranspose<float>(m, n, Even(m), Even(n));

    [TestCaseSource(nameof(TransposeShapes))]
    public void Transpose_F64_MatchesHost(int m, int n) => CheckTranspose<double>(m, n, Even(m), Even(n));

    [Test]
    public void Transpose_Large_MatchesHost()
    {
        IgnoreUnlessLarge();
        CheckTranspose<float>(513, 257, Even(513), Even(257));
        CheckTranspose<double>(257, 513, Even(257), Even(513));
    }

    [Test]
    public void Transpose_ResultLaidOutDifferently_MatchesHost()
    {
        IReadOnlyList<ComputeDevice> devices = Engine.Devices;
        CheckTranspose<float>(37, 29, Even(37), Engine.Layout(29, devices[^1]));
        CheckTranspose<double>(29, 37, Engine.Layout(29, devices[0]), Even(37));
        if (devices.Count > 1)
        {
            CheckTranspose<float>(45, 51, Engine.Layout(45, devices, [1.0, 3.0]), Engine.Layout(51, devices, [3.0, 1.0]));
            CheckTranspose<double>(40, 20, Engine.Layout(40, devices[0]), Engine.Layout(20, [devices[1]]));
        }
    }

    [TestCaseSource(nameof(BatchShapes))]
    public void GemmBatched_F32_MatchesReference(int count, int m, int k, int n) => CheckBatched<float>(count, m, k, n, 0.75f, -1.25f, seed: count + m + k + n);

    [TestCaseSource(nameof(BatchShapes))]
    public void GemmBatched_F64_MatchesReference(int count, int m, int k, int n) => CheckBatched<double>(count, m, k, n, 1.0, 1.0, seed: count + m + k + n);

    [Test]
    public void GemmBatched_Large_MatchesReference()
    {
        IgnoreUnlessLarge();
        CheckBatched<float>(100, 17, 13, 19, 1f, 0.5f, seed: 6);
        CheckBatched<double>(100, 17, 13, 19, 1d, 0.5d, seed: 7);

        // Either side of the CPU device's switch from its small-matrix kernels to the packed GEMM (m·n·k = 64³).
        CheckBatched<float>(3, 64, 64, 64, 0.5f, 2f, seed: 8);
        CheckBatched<float>(3, 64, 65, 64, 0.5f, 2f, seed: 9);
        CheckBatched<double>(3, 64, 64, 64, -1d, 0d, seed: 10, nanC: true);
        CheckBatched<double>(3, 65, 64, 64, -1d, 0d, seed: 11, nanC: true);
    }

    [Test]
    public void GemmBatched_BetaZero_DoesNotReadC() => CheckBatched<float>(6, 5, 7, 3, 2f, 0f, seed: 8, nanC: true);

    [Test]
    public void SplitAcrossDevices_EqualsSingleDeviceResult()
    {
        IReadOnlyList<ComputeDevice> devices = Engine.Devices;
        int m = 40, n = 23, count = 8;
        HostMatrix<float> a = TestMatrices.Random<float>(m, n, 9), x = TestMatrices.Random<float>(n, 1, 10), y = TestMatrices.Random<float>(m, 1, 11);
        if (devices.Count > 1)
        {
            Assert.That(Even(m).Parts.Select(p => p.Device), Is.EquivalentTo(devices), "every device holds rows");
        }

        float[] GemvOn(DataLayout rows)
        {
            using DeviceMatrix<float> da = Upload(a, rows);
            using DeviceVector<float> dx = Engine.UploadVector<float>(x.Data, Even(n));
            using DeviceVector<float> dy = Engine.UploadVector<float>(y.Data, rows);
            Engine.Gemv(1.5f, da, dx, 0.5f, dy);
            return dy.ToArray();
        }

        float[] TransposeOn(DataLayout rows)
        {
            using DeviceMatrix<float> da = Upload(a, rows);
            using DeviceMatrix<float> dt = Engine.AllocateMatrix<float>(n, m, Even(n));
            Engine.Transpose(da, dt);
            return dt.ToArray();
        }

        float[] BatchedOn(DataLayout layout)
        {
            using DeviceMatrixBatch<float> da = Engine.UploadBatch<float>(TestMatrices.Random<float>(count * 5, 6, 12).Data, count, 5, 6, layout);
            using DeviceMatrixBatch<float> db = Engine.UploadBatch<float>(TestMatrices.Random<float>(count * 6, 7, 13).Data, count, 6, 7, layout);
            using DeviceMatrixBatch<float> dc = Engine.UploadBatch<float>(TestMatrices.Random<float>(count * 5, 7, 14).Data, count, 5, 7, layout);
            Engine.GemmBatched(1f, da, db, 1f, dc);
            return dc.ToArray();
        }

        float[] gemvSplit = GemvOn(Even(m)), gemvSingle = GemvOn(Engine.Layout(m, devices[0]));
        Assert.That(gemvSplit, Is.EqualTo(gemvSingle).Within(1e-5f), "GEMV split vs on one device");
        Assert.That(TransposeOn(Even(m)), Is.EqualTo(TransposeOn(Engine.Layout(m, devices[^1]))), "transpose split vs on one device");
        Assert.That(BatchedOn(Even(count)), Is.EqualTo(BatchedOn(Engine.Layout(count, devices[0]))).Within(1e-5f), "batched GEMM split vs on one device");
    }

    [Test]
    public void Gemv_ShapeMismatch_ThrowsNamingSizes()
    {
        using DeviceMatrix<float> a = Engine.AllocateMatrix<float>(12, 7);
        using DeviceVector<float> x = Engine.AllocateVector<float>(8);
        using DeviceVector<float> x7 = Engine.AllocateVector<float>(7);
        using DeviceVector<float> y = Engine.AllocateVector<float>(12, a.Layout);
        using DeviceVector<float> y11 = Engine.AllocateVector<float>(11);

        Assert.That(() => Engine.Gemv(1f, a, x, 0f, y), Throws.ArgumentException.With.Message.Contains("8").And.Message.Contains("12 x 7"));
        Assert.That(() => Engine.Gemv(1f, a, x7, 0f, y11), Throws.ArgumentException.With.Message.Contains("11").And.Message.Contains("12 x 7"));
        Assert.That(() => Engine.Gemv(1f, a, x7, 0f, a.AsVector()), Throws.ArgumentException);
    }

    [Test]
    public void Transpose_ShapeMismatchOrIntoItself_Throws()
    {
        using DeviceMatrix<double> a = Engine.AllocateMatrix<double>(6, 6);
        using DeviceMatrix<double> wrong = Engine.AllocateMatrix<double>(6, 5);

        Assert.That(() => Engine.Transpose(a, wrong), Throws.ArgumentException.With.Message.Contains("6 x 5").And.Message.Contains("6 x 6"));
        Assert.That(() => Engine.Transpose(a, a), Throws.ArgumentException.With.Message.Contains("itself"));
    }

    [Test]
    public void GemmBatched_ShapeMismatch_ThrowsNamingShapes()
    {
        using DeviceMatrixBatch<float> a = Engine.AllocateBatch<float>(4, 3, 5);
        using DeviceMatrixBatch<float> b = Engine.AllocateBatch<float>(4, 6, 2);
        using DeviceMatrixBatch<float> c = Engine.AllocateBatch<float>(4, 3, 2);
        using DeviceMatrixBatch<float> b5 = Engine.AllocateBatch<float>(3, 5, 2);

        Assert.That(() => Engine.GemmBatched(1f, a, b, 0f, c), Throws.ArgumentException.With.Message.Contains("3 x 5").And.Message.Contains("6 x 2"));
        Assert.That(() => Engine.GemmBatched(1f, a, b5, 0f, c), Throws.ArgumentException.With.Message.Contains("3 B of 5 x 2"));
    }

    [Test]
    public void LayoutsThatDoNotLineUp_Throw()
    {
        IReadOnlyList<ComputeDevice> devices = Engine.Devices;
        if (devices.Count < 2)
        {
            Assert.Ignore("Needs two devices to make layouts that differ.");
        }

        using DeviceMatrix<float> a = Engine.AllocateMatrix<float>(10, 4, Even(10));
        using DeviceVector<float> x = Engine.AllocateVector<float>(4);
        using DeviceVector<float> y = Engine.AllocateVector<float>(10, Engine.Layout(10, devices[0]));
        Assert.That(() => Engine.Gemv(1f, a, x, 0f, y), Throws.ArgumentException.With.Message.Contains("split across devices differently"));

        using DeviceMatrixBatch<float> ba = Engine.AllocateBatch<float>(6, 2, 2, Even(6));
        using DeviceMatrixBatch<float> bb = Engine.AllocateBatch<float>(6, 2, 2, Engine.Layout(6, devices, [1.0, 2.0]));
        using DeviceMatrixBatch<float> bc = Engine.AllocateBatch<float>(6, 2, 2, Even(6));
        Assert.That(() => Engine.GemmBatched(1f, ba, bb, 0f, bc), Throws.ArgumentException.With.Message.Contains("split across devices differently"));
    }

    [Test]
    public void ForeignOrDisposedData_Throws()
    {
        using var other = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu", PersistModels = false });
        using DeviceMatrix<float> foreign = other.AllocateMatrix<float>(3, 3);
        using DeviceMatrix<float> a = Engine.AllocateMatrix<float>(3, 3);
        using DeviceVector<float> x = Engine.AllocateVector<float>(3);
        using DeviceVector<float> y = Engine.AllocateVector<float>(3, a.Layout);
        DeviceMatrix<float> disposed = Engine.AllocateMatrix<float>(3, 3);
        disposed.Dispose();

        Assert.That(() => Engine.Gemv(1f, foreign, x, 0f, y), Throws.ArgumentException.With.Message.Contains("another ComputeEngine"));
        Assert.That(() => Engine.Transpose(a, foreign), Throws.ArgumentException.With.Message.Contains("another ComputeEngine"));
        Assert.That(() => Engine.Gemv(1f, disposed, x, 0f, y), Throws.InstanceOf<ObjectDisposedException>());
        Assert.That(() => Engine.Transpose(disposed, a), Throws.InstanceOf<ObjectDisposedException>());

        using DeviceMatrixBatch<float> batch = Engine.AllocateBatch<float>(2, 3, 3);
        using DeviceMatrixBatch<float> foreignBatch = other.AllocateBatch<float>(2, 3, 3);
        DeviceMatrixBatch<float> disposedBatch = Engine.AllocateBatch<float>(2, 3, 3);
        disposedBatch.Dispose();
        Assert.That(() => Engine.GemmBatched(1f, batch, foreignBatch, 0f, disposedBatch), Throws.ArgumentException.With.Message.Contains("another ComputeEngine"));
        Assert.That(() => Engine.GemmBatched(1f, batch, batch, 0f, disposedBatch), Throws.InstanceOf<ObjectDisposedException>());
        Assert.That(() => Engine.GemmBatched(1f, batch, batch, 0f, batch), Throws.ArgumentException);
    }

    [Test]
    public void UnsupportedElementType_Throws()
    {
        using DeviceMatrix<Half> a = Engine.AllocateMatrix<Half>(2, 2);
        using DeviceMatrix<Half> t = Engine.AllocateMatrix<Half>(2, 2);
        Assert.That(() => Engine.Transpose(a, t), Throws.InstanceOf<NotSupportedException>());
    }

    private static IEnumerable<TestCaseData> Shapes()
    {
        foreach ((int m, int n) in new[]
        {
            (0, 0), (0, 5), (5, 0), (1, 1), (1, 17), (17, 1), (15, 16), (16, 15), (17, 17), (31, 33), (33, 32), (32, 31), (63, 65), (64, 64), (65, 63),
        })
        {
            yield return new TestCaseData(m, n).SetArgDisplayNames($"{m}x{n}");
        }
    }

    /// <summary>Uploads a contiguous host matrix (also m x 0, which <c>UploadMatrix</c> does not take).</summary>
    private DeviceMatrix<T> Upload<T>(HostMatrix<T> source, DataLayout rows)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        DeviceMatrix<T> matrix = Engine.AllocateMatrix<T>(source.Rows, source.Cols, rows);
        matrix.CopyFromHost(source.Data.AsSpan(0, source.Rows * source.Cols));
        return matrix;
    }

    private void IgnoreUnlessLarge()
    {
        if (!Large)
        {
            Assert.Ignore($"Large sizes are skipped on {Devices} (the ILGPU emulator is for correctness on small sizes).");
        }
    }

    private void CheckGemv<T>(int m, int n, T alpha, T beta, int seed, DataLayout? xLayout = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        HostMatrix<T> a = TestMatrices.Random<T>(m, n, seed), x = TestMatrices.Random<T>(n, 1, seed + 1), y = TestMatrices.Random<T>(m, 1, seed + 2);
        var expected = ReferenceGemm.Compute(alpha, a, Transpose.None, x, Transpose.None, beta, y);

        using DeviceMatrix<T> da = Upload(a, Even(m));
        using DeviceVector<T> dx = Engine.UploadVector<T>(x.Data, xLayout ?? Even(n));
        using DeviceVector<T> dy = Engine.UploadVector<T>(y.Data, da.Layout);
        Engine.Gemv(alpha, da, dx, beta, dy);

        expected.AssertMatches(new HostMatrix<T>(dy.ToArray(), m, 1, 1), $"GEMV {m} x {n} ({da.Layout}; x on {dx.Layout})");
    }

    private void CheckGemvBetaZero<T>(int m, int n, int seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        HostMatrix<T> a = TestMatrices.Random<T>(m, n, seed), x = TestMatrices.Random<T>(n, 1, seed + 1);
        T alpha = T.CreateTruncating(1.5);
        var expected = ReferenceGemm.Compute(alpha, a, Transpose.None, x, Transpose.None, T.Zero, new HostMatrix<T>(m, 1));

        using DeviceMatrix<T> da = Upload(a, Even(m));
        using DeviceVector<T> dx = Engine.UploadVector<T>(x.Data, Even(n));
        using DeviceVector<T> dy = Engine.UploadVector<T>(Enumerable.Repeat(T.NaN, m).ToArray(), da.Layout);
        Engine.Gemv(alpha, da, dx, T.Zero, dy);

        expected.AssertMatches(new HostMatrix<T>(dy.ToArray(), m, 1, 1), $"GEMV {m} x {n} with beta = 0 over NaN y");
    }

    private void CheckTranspose<T>(int m, int n, DataLayout aRows, DataLayout resultRows)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        HostMatrix<T> a = TestMatrices.Random<T>(m, n, m + n);
        using DeviceMatrix<T> da = Upload(a, aRows);
        using DeviceMatrix<T> dt = Engine.AllocateMatrix<T>(n, m, resultRows);
        Engine.Transpose(da, dt);

        T[] t = dt.ToArray();
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                if (t[(j * m) + i] != a[i, j])
                {
                    Assert.Fail($"Transpose of {m} x {n} ({aRows} -> {resultRows}): result[{j},{i}] = {t[(j * m) + i]}, expected {a[i, j]}.");
                }
            }
        }
    }

    private void CheckBatched<T>(int count, int m, int k, int n, T alpha, T beta, int seed, bool nanC = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] a = TestMatrices.Random<T>(count * m, k, seed).Data, b = TestMatrices.Random<T>(count * k, n, seed + 1).Data;
        T[] c = nanC ? Enumerable.Repeat(T.NaN, count * m * n).ToArray() : TestMatrices.Random<T>(count * m, n, seed + 2).Data;
        Array.Resize(ref a, count * m * k);
        Array.Resize(ref b, count * k * n);
        Array.Resize(ref c, count * m * n);
        DataLayout layout = Even(count);
        using DeviceMatrixBatch<T> da = Engine.UploadBatch<T>(a, count, m, k, layout);
        using DeviceMatrixBatch<T> db = Engine.UploadBatch<T>(b, count, k, n, layout);
        using DeviceMatrixBatch<T> dc = Engine.UploadBatch<T>(c, count, m, n, layout);
        Engine.GemmBatched(alpha, da, db, beta, dc);

        T[] result = dc.ToArray();
        for (int i = 0; i < count; i++)
        {
            HostMatrix<T> View(T[] data, int rows, int cols) => new(data, rows, cols, Math.Max(1, cols), i * rows * cols);
            var expected = ReferenceGemm.Compute(alpha, View(a, m, k), Transpose.None, View(b, k, n), Transpose.None, beta, View(c, m, n));
            expected.AssertMatches(View(result, m, n), $"batched GEMM matrix {i} of {count} x [{m} x {k} * {k} x {n}] on {layout}");
        }
    }
}
