using System.Diagnostics;
using System.Diagnostics.Metrics;
using GpuCompute.Data;
using GpuCompute.Diagnostics;
using GpuCompute.Matrices;
using GpuCompute.Tests.Support;
using NUnit.Framework;

namespace GpuCompute.Tests.Diagnostics;

/// <summary>The engine's spans and metrics, as an OpenTelemetry-style listener sees them.</summary>
[NonParallelizable] // listeners are process-wide
public sealed class TelemetryTests
{
    [Test]
    public void Gemm_WithListeners_SpanPerOperationAndTileAndFlopsCounted()
    {
        using var engine = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu,ilgpu-cpu", PersistModels = false, Policy = GpuCompute.Scheduling.SchedulingPolicy.RoundRobin, Tiling = new(8, 16, 0) });
        var spans = new List<Activity>();
        using ActivityListener listener = Listen(spans);
        double flops = 0;
        using MeterListener meter = Measure("gpucompute.flops", v => flops += v);

        HostMatrix<float> a = TestMatrices.Random<float>(40, 24, 1), b = TestMatrices.Random<float>(24, 36, 2);
        engine.Gemm(a, b, new HostMatrix<float>(40, 36));

        Activity operation = spans.Single(s => s.OperationName == "gemm");
        Activity[] tiles = spans.Where(s => s.OperationName.StartsWith("gemm on ", StringComparison.Ordinal)).ToArray();
        Assert.That(tiles, Has.Length.EqualTo(9), "one span per tile");
        Assert.That(tiles.All(t => t.ParentId == operation.Id), Is.True, "tiles are children of the operation");
        Assert.That(tiles.Select(t => t.GetTagItem("gpucompute.device")).Distinct(), Is.EquivalentTo(new[] { "cpu", "ilgpu-cpu" }));
        Assert.That(operation.GetTagItem("gpucompute.k"), Is.EqualTo(24));
        Assert.That(flops, Is.EqualTo(2.0 * 40 * 36 * 24));
    }

    [Test]
    public void DeviceResidentOperation_WithListeners_SpanPerPartAndBusyTime()
    {
        using var engine = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu,ilgpu-cpu", PersistModels = false });
        using DeviceVector<float> x = engine.UploadVector<float>(new float[1000], engine.Layout(1000, engine.Devices));
        var spans = new List<Activity>();
        using ActivityListener listener = Listen(spans);
        double busy = 0;
        using MeterListener meter = Measure("gpucompute.device.busy_time", v => busy += v);

        engine.Relu(x, x);

        Activity operation = spans.Single(s => s.OperationName == "an element-wise map");
        Assert.That(spans.Count(s => s.ParentId == operation.Id), Is.EqualTo(2), "one span per device's part");
        Assert.That(busy, Is.GreaterThan(0));
    }

    private static ActivityListener Listen(List<Activity> spans)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == GpuComputeTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (spans)
                {
                    spans.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    private static MeterListener Measure(string instrument, Action<double> record)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (i, l) =>
            {
                if (i.Meter.Name == GpuComputeTelemetry.Name && i.Name == instrument)
                {
                    l.EnableMeasurementEvents(i);
                }
            },
        };
        object gate = new();
        listener.SetMeasurementEventCallback<double>((_, value, _, _) =>
        {
            lock (gate)
            {
                record(value);
            }
        });
        listener.Start();
        return listener;
    }
}
