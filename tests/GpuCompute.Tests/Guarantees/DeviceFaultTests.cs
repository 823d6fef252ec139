using GpuCompute.Backends;
using GpuCompute.Data;
using GpuCompute.Kernels;
using GpuCompute.Matrices;
using GpuCompute.Tests.Support;
using NUnit.Framework;

namespace GpuCompute.Tests.Guarantees;

/// <summary>
/// A device that fails inside each kind of device-resident operation: the call throws <see cref="DeviceFailedException"/>
/// naming the device and the part of the output it held, and the parts on the other device are complete and right.
/// </summary>
public sealed class DeviceFaultTests
{
    private const int N = 400;

    public static IEnumerable<TestCaseData> Operations()
    {
        yield return Case("map (relu)", (e, x, y, r) => e.Relu(x, r), (x, y, old, i) => Math.Max(x[i], 0));
        yield return Case("zip (add)", (e, x, y, r) => e.Add(x, y, r), (x, y, old, i) => x[i] + y[i]);
        yield return Case("zip3 (multiply-add)", (e, x, y, r) => e.MultiplyAdd(x, y, y, r), (x, y, old, i) => Math.FusedMultiplyAdd(x[i], y[i], y[i]));
        yield return Case("axpy", (e, x, y, r) => e.Axpy(2.0, x, r), (x, y, old, i) => Math.FusedMultiplyAdd(2.0, x[i], old[i]));
        yield return Case("fill", (e, x, y, r) => e.Fill(3.0, r), (x, y, old, i) => 3.0);
        yield return Case("copy", (e, x, y, r) => e.Copy(x, r), (x, y, old, i) => x[i]);
        yield return Case("user kernel", (e, x, y, r) => e.For(r.Layout, part => new Doubling(part.View(r))), (x, y, old, i) => 2 * old[i]);

        static TestCaseData Case(string name, Action<ComputeEngine, DeviceVector<double>, DeviceVector<double>, DeviceVector<double>> run, Func<double[], double[], double[], int, double>? expected) =>
            new TestCaseData(run, expected).SetName($"{{m}}({name})");
    }

    [TestCaseSource(nameof(Operations))]
    public void ElementwiseOperation_EmulatorFails_ThrowsNamingItAndCpuPartIsRight(
        Action<ComputeEngine, DeviceVector<double>, DeviceVector<double>, DeviceVector<double>> run, Func<double[], double[], double[], int, double>? expected)
    {
        using ComputeEngine engine = FailingEmulator();
        double[] x = Values(N, 1), y = Values(N, 2), old = Values(N, 3);
        DataLayout layout = engine.Layout(N, engine.Devices);
        using DeviceVector<double> dx = engine.UploadVector<double>(x, layout), dy = engine.UploadVector<double>(y, layout), result = engine.UploadVector<double>(old, layout);

        var e = Assert.Throws<DeviceFailedException>(() => run(engine, dx, dy, result));

        Assert.That(e!.DeviceId, Is.EqualTo("ilgpu-cpu"));
        Assert.That(e.Message, Does.Contain("fault injected"));
        if (expected is not null)
        {
            LayoutPart cpu = layout.Parts.Single(p => p.Device.Id == "cpu"), lost = layout.Parts.Single(p => p.Device.Id == "ilgpu-cpu");
            Assert.That(e.LostData, Does.Contain($"[{lost.First}, {lost.End})"));
            double[] got = result.ToArray();
            for (long i = cpu.First; i < cpu.End; i++)
            {
                Assert.That(got[i], Is.EqualTo(expected(x, y, old, (int)i)).Within(1e-15), $"element {i} on the CPU device");
            }
        }
    }

    [Test]
    public void Reduction_EmulatorFails_ThrowsNamingIt()
    {
        using ComputeEngine engine = FailingEmulator();
        using DeviceVector<double> x = engine.UploadVector<double>(Values(N, 4), engine.Layout(N, engine.Devices));

        Assert.That(() => engine.Sum(x), Throws.TypeOf<DeviceFailedException>().With.Property(nameof(DeviceFailedException.DeviceId)).EqualTo("ilgpu-cpu"));
        Assert.That(() => engine.Max(x), Throws.TypeOf<DeviceFailedException>().With.Property(nameof(DeviceFailedException.DeviceId)).EqualTo("ilgpu-cpu"));
    }

    [Test]
    public void LinearAlgebra_EmulatorFails_ThrowsNamingTheLostRowsAndCpuRowsAreRight()
    {
        using ComputeEngine engine = FailingEmulator();
        const int m = 30, n = 20, k = 10;
        HostMatrix<double> a = TestMatrices.Random<double>(m, k, 5), b = TestMatrices.Random<double>(k, n, 6);
        DataLayout rows = engine.Layout(m, engine.Devices);
        LayoutPart cpu = rows.Parts.Single(p => p.Device.Id == "cpu");
        using DeviceMatrix<double> da = engine.UploadMatrix(a, rows), db = engine.UploadMatrix(b, engine.Layout(k, engine.Devices)), dc = engine.AllocateMatrix<double>(m, n, rows);
        using DeviceVector<double> x = engine.UploadVector<double>(Values(k, 7)), y = engine.AllocateVector<double>(m, rows);
        using DeviceMatrix<double> at = engine.AllocateMatrix<double>(k, m, engine.Layout(k, engine.Devices));
        using DeviceMatrixBatch<double> batch = engine.UploadBatch<double>(Values(6 * 4, 8), 6, 2, 2, engine.Layout(6, engine.Devices));
        using DeviceMatrixBatch<double> product = engine.AllocateBatch<double>(6, 2, 2, batch.Layout);

        var gemm = Assert.Throws<DeviceFailedException>(() => engine.Gemm(da, db, dc));
        Assert.That(gemm!.LostData, Does.Contain("rows").And.Contain("of C"));
        HostMatrix<double> c = dc.ToHostMatrix(), expected = new(m, n);
        new ComputeEngine(new ComputeEngineOptions { Devices = "cpu", PersistModels = false }).Gemm(a, b, expected);
        for (int i = (int)cpu.First; i < cpu.End; i++)
        {
            for (int j = 0; j < n; j++)
            {
                Assert.That(c[i, j], Is.EqualTo(expected[i, j]).Within(1e-12), $"C[{i},{j}] on the CPU device");
            }
        }

        Assert.That(Assert.Throws<DeviceFailedException>(() => engine.Gemv(1.0, da, x, 0.0, y))!.LostData, Does.Contain("of y"));
        Assert.That(Assert.Throws<DeviceFailedException>(() => engine.Transpose(da, at))!.LostData, Does.Contain("of result"));
        Assert.That(Assert.Throws<DeviceFailedException>(() => engine.GemmBatched(1.0, batch, batch, 0.0, product))!.LostData, Does.Contain("matrices"));
    }

    /// <summary>v ← 2·v, a user kernel (public, so ILGPU can compile it).</summary>
    public readonly struct Doubling(VectorView<double> v) : IKernel1D
    {
        public void Execute(long index) => v[index] *= 2;
    }

    private static ComputeEngine FailingEmulator() => new(new ComputeEngineOptions
    {
        Devices = "cpu,ilgpu-cpu",
        PersistModels = false,
        InjectFaults = new Dictionary<string, int> { ["ilgpu-cpu"] = 0 },
    });

    private static double[] Values(int n, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.5).ToArray();
    }
}
