using System.Collections.Concurrent;
using System.Diagnostics;
using System.Numerics;
using GpuCompute.Devices;
using GpuCompute.Gemm;
using GpuCompute.Matrices;

namespace GpuCompute.Scheduling;

/// <summary>
/// Measures each device's GEMM throughput once per precision with a small product, and remembers it for the life of
/// the engine; the weighted policy splits work in proportion to these figures.
/// </summary>
internal sealed class DeviceCalibrator
{
    /// <summary>Edge of the calibration product: 512³ is ~0.27 GFLOP, long enough to see a device's speed.</summary>
    private const int Edge = 512;

    /// <summary>The emulator runs ~0.5 GFLOP/s: a 48³ product keeps its calibration under a second.</summary>
    private const int EmulatorEdge = 48;

    private readonly ConcurrentDictionary<(string DeviceId, Type Precision), double> gflops = new();

    /// <summary>The measured GFLOP/s of <paramref name="device"/> in precision <typeparamref name="T"/>.</summary>
    public double Gflops<T>(ComputeDevice device)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        gflops.GetOrAdd((device.Id, typeof(T)), _ => Measure<T>(device));

    private static double Measure<T>(ComputeDevice device)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int edge = device.Kind == DeviceKind.IlgpuCpu ? EmulatorEdge : Edge;
        var a = new HostMatrix<T>(edge, edge);
        var b = new HostMatrix<T>(edge, edge);
        var c = new HostMatrix<T>(edge, edge);
        a.Fill(T.One);
        b.Fill(T.One);
        var problem = GemmProblem<T>.Create(T.One, a, Transpose.None, b, Transpose.None, T.Zero, c);
        var tile = new GemmTile(0, 0, edge, edge);

        device.RunGemmTile(problem, tile); // warm-up: kernel compilation, buffer allocation, JIT tiering
        double best = double.MaxValue;
        for (int run = 0; run < 2; run++)
        {
            long start = Stopwatch.GetTimestamp();
            device.RunGemmTile(problem, tile);
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }

        return problem.Flops / Math.Max(best, 1e-9) / 1e9;
    }
}
