using System.Text.Json;
using GpuCompute.Matrices;
using GpuCompute.Scheduling;
using GpuCompute.Tests.Support;
using NUnit.Framework;

namespace GpuCompute.Tests.Scheduling;

public sealed class ChromeTraceTests
{
    [Test]
    public void Write_OneCompleteEventPerTileAndANamedRowPerDevice()
    {
        using var engine = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu", Tiling = new(8, 16, 0) });
        GemmReport report = engine.Gemm(TestMatrices.Random<float>(40, 20, 1), TestMatrices.Random<float>(20, 33, 2), new HostMatrix<float>(40, 33));
        using var stream = new MemoryStream();

        ChromeTrace.Write(report, stream);

        using JsonDocument json = JsonDocument.Parse(stream.ToArray());
        JsonElement[] events = json.RootElement.GetProperty("traceEvents").EnumerateArray().ToArray();
        Assert.That(events.Count(e => e.GetProperty("ph").GetString() == "X"), Is.EqualTo(report.Trace.Count));
        Assert.That(events.Count(e => e.GetProperty("ph").GetString() == "M"), Is.EqualTo(1));
        Assert.That(events.Where(e => e.GetProperty("ph").GetString() == "X").All(e => e.GetProperty("dur").GetDouble() >= 0), Is.True);
    }
}
