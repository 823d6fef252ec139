using GpuCompute.Backends;

namespace GpuCompute.Scheduling;

/// <summary>A device's measured performance model in one precision, as the scheduler uses it.</summary>
/// <param name="DeviceId">The device's stable id.</param>
/// <param name="Name">The device's name.</param>
/// <param name="Kind">The device's kind.</param>
/// <param name="Precision"><c>f32</c> or <c>f64</c>.</param>
/// <param name="Gflops">GEMM throughput, GFLOP/s.</param>
/// <param name="BandwidthBytesPerSecond">Host↔device bandwidth; null when the device computes from host memory.</param>
/// <param name="LatencySeconds">Fixed cost per tile.</param>
public sealed record DeviceCalibration(
    string DeviceId, string Name, DeviceKind Kind, string Precision, double Gflops, double? BandwidthBytesPerSecond, double LatencySeconds);
