using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace GpuCompute.Diagnostics;

/// <summary>
/// The engine's traces and metrics, under the name <see cref="GpuComputeTelemetry.Name"/>: an activity (span) per
/// operation and per work item (a GEMM tile, a device's part of a device-resident operation), and counters of flops,
/// bytes moved, device busy time and device failures, tagged by device and operation. Both cost a check and nothing
/// else while no listener (OpenTelemetry, dotnet-counters, an <see cref="ActivityListener"/>) is attached.
/// </summary>
internal static class EngineTelemetry
{
    public static readonly ActivitySource Source = new(GpuComputeTelemetry.Name, Version());

    public static readonly Meter Meter = new(GpuComputeTelemetry.Name, Version());

    public static readonly Counter<double> Flops = Meter.CreateCounter<double>(
        "gpucompute.flops", "{flop}", "Floating-point operations the devices performed.");

    public static readonly Counter<double> BytesMoved = Meter.CreateCounter<double>(
        "gpucompute.bytes_moved", "By", "Bytes moved between host and device memory, or between devices, for operations.");

    public static readonly Counter<double> BusySeconds = Meter.CreateCounter<double>(
        "gpucompute.device.busy_time", "s", "Seconds each device spent computing work items.");

    public static readonly Counter<long> Failures = Meter.CreateCounter<long>(
        "gpucompute.device.failures", "{failure}", "Work items on which a device failed.");

    /// <summary>Records one finished (or failed) work item on <paramref name="device"/>.</summary>
    public static void WorkItem(string operation, string device, double seconds, double flops, double bytes, bool failed)
    {
        var tags = new TagList { { "gpucompute.operation", operation }, { "gpucompute.device", device } };
        BusySeconds.Add(seconds, tags);
        if (flops > 0)
        {
            Flops.Add(flops, tags);
        }

        if (bytes > 0)
        {
            BytesMoved.Add(bytes, tags);
        }

        if (failed)
        {
            Failures.Add(1, tags);
        }
    }

    /// <summary>Starts the span of one work item on <paramref name="device"/> (null when nobody listens).</summary>
    public static Activity? StartWorkItem(string operation, string device, string item)
    {
        Activity? activity = Source.StartActivity($"{operation} on {device}");
        activity?.SetTag("gpucompute.device", device);
        activity?.SetTag("gpucompute.item", item);
        return activity;
    }

    private static string Version() => typeof(EngineTelemetry).Assembly.GetName().Version?.ToString() ?? "0";
}
