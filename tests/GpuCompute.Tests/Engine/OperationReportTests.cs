using System.Text.Json;
using GpuCompute.Data;
using GpuCompute.Scheduling;
using GpuCompute.Tests.Support;
using NUnit.Framework;

namespace GpuCompute.Tests.Engine;

/// <summary>Every device-resident operation reports what each device did, and the report draws as a Chrome trace.</summary>
public sealed class OperationReportTests
{
    [Test]
    public void ElementwiseAndLinearAlgebra_SplitAcrossTwoDevices_ReportEachDevicesParts()
    {
        using var engine = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu,ilgpu-cpu", PersistModels = false });
        DataLayout layout = engine.Layout(64, engine.Devices);
        using DeviceVector<double> x = engine.UploadVector<double>(new double[64], layout), y = engine.UploadVector<double>(new double[64], layout);
        using DeviceMatrix<double> a = engine.UploadMatrix(TestMatrices.Random<double>(64, 8, 1), layout), at = engine.AllocateMatrix<double>(8, 64, engine.Layout(8, engine.Devices));
        using DeviceVector<double> v = engine.UploadVector<double>(new double[8]);

        foreach (OperationReport report in new[] { engine.Axpy(2.0, x, y), engine.Relu(x, x), engine.Gemv(1.0, a, v, 0.0, y) })
        {
            Assert.That(report.Devices.Select(d => d.DeviceId), Is.EqualTo(new[] { "cpu", "ilgpu-cpu" }), report.Operation);
            Assert.That(report.Devices.Select(d => d.Tiles), Is.EqualTo(new[] { 1, 1 }), $"{report.Operation}: one part each");
            Assert.That(report.Trace, Has.Count.EqualTo(2));
            Assert.That(report.Trace.All(r => r.EndSeconds >= r.StartSeconds && !r.Failed), Is.True);
        }

        Assert.That(engine.Gemv(1.0, a, v, 0.0, y).Flops, Is.EqualTo(2.0 * 64 * 8), "GEMV counts its flops");
        OperationReport transpose = engine.Transpose(a, at);
        Assert.That(transpose.Trace, Has.Count.EqualTo(4), "staging on each source device, then a part on each result device");
        Assert.That(engine.For(layout, part => new MixedConcurrencyTests.Negate(part.View(x))).Devices.Sum(d => d.Tiles), Is.EqualTo(2));
    }

    [Test]
    public void OperationReport_AsChromeTrace_HasOneRowPerDeviceAndAnEventPerPart()
    {
        using var engine = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu,ilgpu-cpu", PersistModels = false });
        using DeviceVector<float> x = engine.UploadVector<float>(new float[100], engine.Layout(100, engine.Devices));
        OperationReport report = engine.Relu(x, x);
        using var stream = new MemoryStream();

        ChromeTrace.Write(report, stream);

        using JsonDocument trace = JsonDocument.Parse(stream.ToArray());
        JsonElement[] events = trace.RootElement.GetProperty("traceEvents").EnumerateArray().ToArray();
        Assert.That(events.Count(e => e.GetProperty("ph").GetString() == "M"), Is.EqualTo(2));
        Assert.That(events.Where(e => e.GetProperty("ph").GetString() == "X").Select(e => e.GetProperty("name").GetString()),
            Is.EquivalentTo(new[] { "cpu[0..50)", "ilgpu-cpu[50..100)" }));
    }

    [Test]
    public void Reductions_WithReport_NameEveryPassAndPart()
    {
        using var engine = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu,ilgpu-cpu", PersistModels = false });
        using DeviceVector<double> x = engine.UploadVector<double>(Enumerable.Repeat(1e200, 64).ToArray(), engine.Layout(64, engine.Devices));

        double sum = engine.Sum(x, out OperationReport sumReport);
        double norm = engine.Norm2(x, out OperationReport normReport);
        _ = engine.Max(x, out OperationReport maxReport);

        Assert.That(sum, Is.EqualTo(64e200).Within(1e188));
        Assert.That(norm, Is.EqualTo(8e200).Within(1e188), "rescaled: the squares overflow");
        Assert.That(sumReport.Trace, Has.Count.EqualTo(2), "one part per device");
        Assert.That(normReport.Trace, Has.Count.EqualTo(6), "three passes (squares overflowed, max, rescaled squares) of two parts");
        Assert.That(maxReport.Devices.Select(d => d.Tiles), Is.EqualTo(new[] { 1, 1 }));
    }

    [Test]
    public void AxpyWithAlphaZero_ReportsNoWork()
    {
        using var engine = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu", PersistModels = false });
        using DeviceVector<float> x = engine.UploadVector<float>(new float[10]), y = engine.UploadVector<float>(new float[10]);
        Assert.That(engine.Axpy(0f, x, y).Trace, Is.Empty);
    }
}
