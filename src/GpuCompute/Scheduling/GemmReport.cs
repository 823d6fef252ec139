namespace GpuCompute.Scheduling;

/// <summary>What a GEMM did: its shape, the policy, the wall time, each device's share and every tile's run.</summary>
public sealed class GemmReport
{
    internal GemmReport(
        int m, int n, int k, string precision, SchedulingPolicy policy, double seconds,
        IReadOnlyList<DeviceShare> devices, IReadOnlyList<TileRecord> trace)
    {
        M = m;
        N = n;
        K = k;
        Precision = precision;
        Policy = policy;
        Seconds = seconds;
        Devices = devices;
        Trace = trace;
    }

    /// <summary>Rows of C.</summary>
    public int M { get; }

    /// <summary>Columns of C.</summary>
    public int N { get; }

    /// <summary>The inner dimension.</summary>
    public int K { get; }

    /// <summary><c>f32</c> or <c>f64</c>.</summary>
    public string Precision { get; }

    /// <summary>The policy that assigned the tiles.</summary>
    public SchedulingPolicy Policy { get; }

    /// <summary>Wall-clock seconds from the call to the result in host memory.</summary>
    public double Seconds { get; }

    /// <summary>Each participating device's share, in the engine's device order (devices without tiles included).</summary>
    public IReadOnlyList<DeviceShare> Devices { get; }

    /// <summary>Every tile's run, in completion order.</summary>
    public IReadOnlyList<TileRecord> Trace { get; }

    /// <summary>Why devices got no tile although they were healthy: the planner found the product faster without them,
    /// e.g. a cluster node whose network would cost more than its share saves (one line each, naming the device and
    /// the model it was judged by); empty when every device took part.</summary>
    public IReadOnlyList<string> SatOut { get; internal init; } = [];

    /// <summary>Floating-point operations the devices performed: 2·M·N·K, or 0 when α = 0 or K = 0 (C ← β·C only).</summary>
    public double Flops => Devices.Sum(d => d.Flops);

    /// <summary>Throughput in GFLOP/s (0 for an empty product).</summary>
    public double Gflops => Seconds > 0 ? Flops / Seconds / 1e9 : 0;
}
