namespace GpuCompute.Scheduling;

/// <summary>
/// What the scheduler expects of one device: its GEMM throughput and the cost of moving data between host and device.
/// Seconds for a tile = latency + bytes it must receive / bandwidth + flops / throughput.
/// </summary>
internal sealed class DeviceModel
{
    /// <summary>Weight of a new measurement in the running throughput estimate (an exponential moving average).</summary>
    private const double LearningRate = 0.3;

    /// <param name="gflops">GEMM throughput in GFLOP/s (positive).</param>
    /// <param name="bandwidthBytesPerSecond">Host↔device bandwidth; <see cref="double.PositiveInfinity"/> when the
    /// device computes from host memory (transfers are free).</param>
    /// <param name="latencySeconds">Fixed cost per tile (launch, synchronisation).</param>
    public DeviceModel(double gflops, double bandwidthBytesPerSecond = double.PositiveInfinity, double latencySeconds = 0)
    {
        if (!(gflops > 0) || double.IsInfinity(gflops))
        {
            throw new ArgumentOutOfRangeException(nameof(gflops), $"A device's throughput must be positive and finite; got {gflops} GFLOP/s.");
        }

        if (!(bandwidthBytesPerSecond > 0) || !(latencySeconds >= 0))
        {
            throw new ArgumentOutOfRangeException(
                nameof(bandwidthBytesPerSecond), $"Bandwidth must be positive and latency non-negative; got {bandwidthBytesPerSecond} B/s, {latencySeconds} s.");
        }

        Gflops = gflops;
        BandwidthBytesPerSecond = bandwidthBytesPerSecond;
        LatencySeconds = latencySeconds;
    }

    public double Gflops { get; private set; }

    public double BandwidthBytesPerSecond { get; }

    public double LatencySeconds { get; }

    /// <summary>True when the device computes from host memory, so the panels it reads need no transfer.</summary>
    public bool ComputesFromHost => double.IsPositiveInfinity(BandwidthBytesPerSecond);

    public double TransferSeconds(double bytes) => ComputesFromHost ? 0 : bytes / BandwidthBytesPerSecond;

    public double Seconds(double flops, double bytes) => LatencySeconds + TransferSeconds(bytes) + (flops / (Gflops * 1e9));

    /// <summary>Refines the throughput from a tile that took <paramref name="seconds"/> in all.</summary>
    public void Observe(double flops, double bytes, double seconds)
    {
        double computeSeconds = seconds - LatencySeconds - TransferSeconds(bytes);
        if (flops > 0 && computeSeconds > 0 && double.IsFinite(computeSeconds))
        {
            Gflops = ((1 - LearningRate) * Gflops) + (LearningRate * flops / computeSeconds / 1e9);
        }
    }
}
