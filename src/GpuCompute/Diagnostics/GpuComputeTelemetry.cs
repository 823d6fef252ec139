namespace GpuCompute.Diagnostics;

/// <summary>
/// The names to subscribe to the engine's telemetry by: the <c>System.Diagnostics.ActivitySource</c> (a span per
/// operation and per work item) and the <c>System.Diagnostics.Metrics.Meter</c> (counters <c>gpucompute.flops</c>,
/// <c>gpucompute.bytes_moved</c>, <c>gpucompute.device.busy_time</c>, <c>gpucompute.device.failures</c>, tagged with
/// <c>gpucompute.operation</c> and <c>gpucompute.device</c>). With OpenTelemetry: <c>AddSource(GpuComputeTelemetry.Name)</c>
/// and <c>AddMeter(GpuComputeTelemetry.Name)</c>.
/// </summary>
public static class GpuComputeTelemetry
{
    /// <summary>The name of the engine's activity source and meter.</summary>
    public const string Name = "GpuCompute";
}
