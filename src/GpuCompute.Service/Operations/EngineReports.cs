using GpuCompute.Client;
using GpuCompute.Scheduling;

namespace GpuCompute.Service.Operations;

/// <summary>The engine's reports as the service's contract: the device shares and one span per tile or part.</summary>
public static class EngineReports
{
    public static (JobReport Report, JobTrace Trace) From(GemmReport report) => (
        Report(report.Seconds, report.Flops, report.Devices),
        new JobTrace(report.Seconds, [.. report.Trace.Select(t => new TraceSpan(
            t.DeviceId, $"C[{t.Tile.Row}..{t.Tile.Row + t.Tile.Rows}, {t.Tile.Col}..{t.Tile.Col + t.Tile.Cols}]", t.StartSeconds, t.EndSeconds, t.Failed))]));

    public static (JobReport Report, JobTrace Trace) From(OperationReport report) => (
        Report(report.Seconds, report.Flops, report.Devices),
        new JobTrace(report.Seconds, [.. report.Trace.Select(t => new TraceSpan(t.DeviceId, t.Item, t.StartSeconds, t.EndSeconds, t.Failed))]));

    /// <summary>Two phases of one job (a factorization, then its solve) as one report and one timeline.</summary>
    public static (JobReport Report, JobTrace Trace) Then(JobReport first, JobTrace firstTrace, JobReport second, JobTrace secondTrace)
    {
        double seconds = first.Seconds + second.Seconds, flops = first.Flops + second.Flops;
        var devices = first.Devices.Zip(second.Devices, (x, y) => x with
        {
            Tiles = x.Tiles + y.Tiles,
            BusySeconds = x.BusySeconds + y.BusySeconds,
            Flops = x.Flops + y.Flops,
            BytesMoved = x.BytesMoved + y.BytesMoved,
            Error = x.Error ?? y.Error,
        }).ToArray();
        var spans = firstTrace.Spans.Concat(secondTrace.Spans.Select(s => s with { StartSeconds = s.StartSeconds + first.Seconds, EndSeconds = s.EndSeconds + first.Seconds })).ToArray();
        return (new JobReport { Seconds = seconds, Flops = flops, Gflops = seconds > 0 ? flops / seconds / 1e9 : 0, Devices = devices }, new JobTrace(seconds, spans));
    }

    private static JobReport Report(double seconds, double flops, IReadOnlyList<DeviceShare> devices) => new()
    {
        Seconds = seconds,
        Flops = flops,
        Gflops = seconds > 0 ? flops / seconds / 1e9 : 0,
        Devices = [.. devices.Select(d => new DeviceShareInfo(d.DeviceId, d.Name, d.Tiles, d.BusySeconds, d.Flops, d.BytesMoved, d.Error))],
    };
}
