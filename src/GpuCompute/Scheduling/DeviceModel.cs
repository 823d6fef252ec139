using System.Numerics;
using GpuCompute.Gemm;

namespace GpuCompute.Scheduling;

/// <summary>
/// What the scheduler expects of one device: its GEMM throughput, the cost of moving data between host and device, and
/// its memory. Seconds for a tile = latency + bytes it must receive / bandwidth + flops / throughput (or, on a device
/// that copies while it computes, latency + the larger of the two), where the throughput is the one measured for tiles
/// of that shape class (powers of two of rows, columns and K) once the device has run one, and the calibrated
/// throughput before. Thread-safe.
/// </summary>
internal sealed class DeviceModel
{
    private readonly object gate = new();
    private readonly Dictionary<ShapeClass, double> byShape = [];

    /// <summary>Weight of a new measurement in the running throughput estimate (an exponential moving average).</summary>
    private const double LearningRate = 0.3;

    /// <summary>
    /// Tiles shorter than this teach nothing: their time is mostly fixed per-call cost (thread start, packing set-up,
    /// a launch), not throughput. Fifty 16³ products once taught the model that the CPU does 0.16 GFLOP/s in f64 (it
    /// does ~150), which then skewed every split that used it.
    /// </summary>
    internal const double MinLearningSeconds = 1e-3;

    /// <summary>Tiles with fewer flops than this teach nothing either, however long they took (a stalled tiny tile).</summary>
    internal const double MinLearningFlops = 1e7;

    /// <param name="gflops">GEMM throughput in GFLOP/s (positive).</param>
    /// <param name="bandwidthBytesPerSecond">Host↔device bandwidth; <see cref="double.PositiveInfinity"/> when the
    /// device computes from host memory (transfers are free).</param>
    /// <param name="latencySeconds">Fixed cost per tile (launch, synchronisation).</param>
    /// <param name="measuredAt">When the model was measured (refining it later does not make it younger); null means now.</param>
    /// <param name="overlapsTransfers">True when the device receives the next tile's panels while it computes the current
    /// one (copy engines beside the compute units), so a tile in a stream costs the larger of transfer and compute.</param>
    /// <param name="memoryBytes">Memory for panels and tiles; <see cref="double.PositiveInfinity"/> when unknown or unlimited.</param>
    public DeviceModel(
        double gflops,
        double bandwidthBytesPerSecond = double.PositiveInfinity,
        double latencySeconds = 0,
        DateTimeOffset? measuredAt = null,
        bool overlapsTransfers = false,
        double memoryBytes = double.PositiveInfinity)
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

        if (!(memoryBytes > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(memoryBytes), $"A device's memory must be positive; got {memoryBytes} bytes.");
        }

        Gflops = gflops;
        OverlapsTransfers = overlapsTransfers;
        MemoryBytes = memoryBytes;
        BandwidthBytesPerSecond = bandwidthBytesPerSecond;
        LatencySeconds = latencySeconds;
        MeasuredAt = measuredAt ?? DateTimeOffset.UtcNow;
    }

    /// <summary>When the device was measured; the model expires a fixed time after it, however much it was refined.</summary>
    public DateTimeOffset MeasuredAt { get; }

    /// <summary>The throughput for shapes not yet seen, refined from every tile.</summary>
    public double Gflops { get; private set; }

    public double BandwidthBytesPerSecond { get; }

    public double LatencySeconds { get; }

    /// <summary>True when transfers overlap computation (see the constructor).</summary>
    public bool OverlapsTransfers { get; }

    /// <summary>Memory for panels and tiles, bytes (infinite when unknown).</summary>
    public double MemoryBytes { get; }

    /// <summary>True when the device computes from host memory, so the panels it reads need no transfer.</summary>
    public bool ComputesFromHost => double.IsPositiveInfinity(BandwidthBytesPerSecond);

    public double TransferSeconds(double bytes) => ComputesFromHost ? 0 : bytes / BandwidthBytesPerSecond;

    /// <summary>Expected seconds for <paramref name="tile"/> with inner dimension <paramref name="k"/>, moving <paramref name="bytes"/>.</summary>
    public double Seconds(GemmTile tile, int k, double bytes) => Seconds(ComputeSeconds(tile, k), TransferSeconds(bytes));

    /// <summary>Expected seconds for work that computes for <paramref name="compute"/> and transfers for <paramref name="transfer"/>.</summary>
    public double Seconds(double compute, double transfer) => OverlapsTransfers ? Math.Max(compute, transfer) : compute + transfer;

    /// <summary>Expected seconds to compute <paramref name="tile"/> (latency included, transfers not).</summary>
    public double ComputeSeconds(GemmTile tile, int k) => LatencySeconds + (tile.Flops(k) / (GflopsFor(tile, k) * 1e9));

    /// <summary>The throughput expected for tiles shaped like <paramref name="tile"/>.</summary>
    public double GflopsFor(GemmTile tile, int k)
    {
        lock (gate)
        {
            return byShape.TryGetValue(ShapeClass.Of(tile, k), out double gflops) ? gflops : Gflops;
        }
    }

    /// <summary>Refines the throughput, overall and for this tile's shape class, from a tile that took <paramref name="seconds"/>
    /// (on a device that overlaps transfers, the seconds it computed); tiles too small to time (under
    /// <see cref="MinLearningSeconds"/> or <see cref="MinLearningFlops"/>) are ignored.</summary>
    public void Observe(GemmTile tile, int k, double bytes, double seconds)
    {
        double computeSeconds = seconds - LatencySeconds - (OverlapsTransfers ? 0 : TransferSeconds(bytes));
        double flops = tile.Flops(k);
        if (!(flops >= MinLearningFlops && seconds >= MinLearningSeconds && computeSeconds > 0 && double.IsFinite(computeSeconds)))
        {
            return;
        }

        double measured = flops / computeSeconds / 1e9;
        lock (gate)
        {
            Gflops = Blend(Gflops, measured);
            ShapeClass shape = ShapeClass.Of(tile, k);
            byShape[shape] = byShape.TryGetValue(shape, out double known) ? Blend(known, measured) : measured;
        }
    }

    /// <summary>The per-shape throughputs learned so far, for persisting.</summary>
    public IReadOnlyDictionary<string, double> ShapeThroughputs()
    {
        lock (gate)
        {
            return byShape.ToDictionary(p => p.Key.ToString(), p => p.Value);
        }
    }

    /// <summary>Restores per-shape throughputs persisted by <see cref="ShapeThroughputs"/>; malformed entries are skipped.</summary>
    public void Restore(IReadOnlyDictionary<string, double> shapes)
    {
        lock (gate)
        {
            foreach ((string key, double gflops) in shapes)
            {
                if (ShapeClass.TryParse(key, out ShapeClass shape) && gflops > 0 && double.IsFinite(gflops))
                {
                    byShape[shape] = gflops;
                }
            }
        }
    }

    private static double Blend(double known, double measured) => ((1 - LearningRate) * known) + (LearningRate * measured);

    /// <summary>Tiles whose rows, columns and K have the same powers of two run at about the same speed.</summary>
    private readonly record struct ShapeClass(int Rows, int Cols, int Depth)
    {
        public static ShapeClass Of(GemmTile tile, int k) =>
            new(BitOperations.Log2((uint)Math.Max(1, tile.Rows)), BitOperations.Log2((uint)Math.Max(1, tile.Cols)), BitOperations.Log2((uint)Math.Max(1, k)));

        public static bool TryParse(string text, out ShapeClass shape)
        {
            string[] parts = text.Split('x');
            shape = default;
            if (parts.Length != 3 || !int.TryParse(parts[0], out int r) || !int.TryParse(parts[1], out int c) || !int.TryParse(parts[2], out int d)
                || r is < 0 or > 31 || c is < 0 or > 31 || d is < 0 or > 31)
            {
                return false;
            }

            shape = new ShapeClass(r, c, d);
            return true;
        }

        /// <summary>Log2 of rows, columns and K, as stored in the model cache: e.g. <c>10x10x12</c>.</summary>
        public override string ToString() => $"{Rows}x{Cols}x{Depth}";
    }
}
