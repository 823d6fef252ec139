using System.Text.Json.Serialization;

namespace GpuCompute.Scheduling;

/// <summary>One device's measured model in one precision, as stored.</summary>
/// <param name="Gflops">GEMM throughput, GFLOP/s.</param>
/// <param name="BandwidthBytesPerSecond">Host↔device bandwidth; null when it computes from host memory.</param>
/// <param name="LatencySeconds">Fixed cost per tile.</param>
/// <param name="MeasuredAt">When it was measured or last refined.</param>
/// <param name="Shapes">GFLOP/s learned per tile shape class (log2 of rows, columns and K, e.g. <c>10x10x12</c>).</param>
internal sealed record StoredModel(
    double Gflops,
    [property: JsonPropertyName("bandwidth_bytes_per_second")] double? BandwidthBytesPerSecond,
    double LatencySeconds,
    DateTimeOffset MeasuredAt,
    IReadOnlyDictionary<string, double>? Shapes = null);
