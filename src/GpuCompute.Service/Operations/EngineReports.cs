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

    private static JobReport Report(double seconds, double flops, IReadOnlyList<DeviceShare> devices) => new()
    {
        Seconds = seconds,
        Flops = flops,
        Gflops = seconds > 0 ? flops / seconds / 1e9 : 0,
        Devices = [.. devices.Select(d => new DeviceShareInfo(d.DeviceId, d.Name, d.Tiles, d.BusySeconds, d.Flops, d.BytesMoved, d.Error))],
    };
}
