using System.Diagnostics.Metrics;

namespace GpuCompute.Service.Jobs;

/// <summary>The service's own metrics (meter <c>GpuCompute.Service</c>), beside the engine's (<c>GpuCompute</c>).</summary>
public sealed class ServiceMetrics : IDisposable
{
    /// <summary>The meter's name, for OpenTelemetry's <c>AddMeter</c>.</summary>
    public const string MeterName = "GpuCompute.Service";

    private readonly Meter meter = new(MeterName);
    private readonly Counter<long> submitted;
    private readonly Counter<long> finished;
    private readonly Histogram<double> duration;

    public ServiceMetrics(Func<int> queueDepth)
    {
        submitted = meter.CreateCounter<long>("gpucompute.service.jobs.submitted", description: "Jobs stored (idempotent retries not counted).");
        finished = meter.CreateCounter<long>("gpucompute.service.jobs.finished", description: "Jobs that reached a final state, tagged by state.");
        duration = meter.CreateHistogram<double>("gpucompute.service.job.duration", unit: "s", description: "Seconds from a job's start to its end.");
        meter.CreateObservableGauge("gpucompute.service.queue.depth", queueDepth, description: "Jobs queued or running.");
    }

    public void Submitted(string operation) => submitted.Add(1, new KeyValuePair<string, object?>("gpucompute.operation", operation));

    public void Finished(string operation, string state, double seconds)
    {
        var tags = new[] { new KeyValuePair<string, object?>("gpucompute.operation", operation), new KeyValuePair<string, object?>("gpucompute.job.state", state) };
        finished.Add(1, tags);
        duration.Record(seconds, tags);
    }

    public void Dispose() => meter.Dispose();
}
