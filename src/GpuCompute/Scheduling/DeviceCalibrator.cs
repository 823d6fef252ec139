using System.Collections.Concurrent;
using System.Diagnostics;
using System.Numerics;
using GpuCompute.Backends;
using GpuCompute.Gemm;
using GpuCompute.Kernels.Elementwise;
using GpuCompute.Matrices;

namespace GpuCompute.Scheduling;

/// <summary>
/// Gives each device a <see cref="DeviceModel"/> per precision: taken from the <see cref="ModelStore"/> when it holds
/// a fresh one, otherwise measured once with a small product and stored; then refined from every tile it computes.
/// </summary>
internal sealed class DeviceCalibrator(ModelStore? store = null)
{
    /// <summary>
    /// Calibration starts with a 32³ product and doubles the edge until one run takes at least 5 ms (long enough to
    /// time, short enough to stay cheap on slow devices such as the emulator) or the edge reaches 512.
    /// </summary>
    private const int FirstEdge = 32, LastEdge = 512;

    private const double LongEnoughSeconds = 0.005;

    private readonly ConcurrentDictionary<(string DeviceId, Type Precision), DeviceModel> models = new();
    private readonly ConcurrentDictionary<string, double> bandwidths = new();

    /// <summary>
    /// The device's measured memory bandwidth for element-wise work, in bytes per second: an f32 add (r ← x + y,
    /// 12 bytes per element) through its own primitive, from 2¹⁶ elements up, ×4 until one run takes 2 ms (or 2²²
    /// elements), best of three. What memory-bound operations' default splits are weighted by; measured once per
    /// engine (milliseconds) and never by a GEMM.
    /// </summary>
    public double MemoryBandwidth(ComputeDevice device) => bandwidths.GetOrAdd(device.Id, _ => MeasureBandwidth(device));

    /// <summary>The model of <paramref name="device"/> in precision <typeparamref name="T"/>: stored, or measured now.</summary>
    public DeviceModel Model<T>(ComputeDevice device)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        models.GetOrAdd((device.Id, typeof(T)), _ =>
            store?.Find(device.Identity, ScalarType.Name<T>()) is StoredModel stored ? Restored(stored) : Measure<T>(device));

    private static DeviceModel Restored(StoredModel stored)
    {
        var model = new DeviceModel(stored.Gflops, stored.BandwidthBytesPerSecond ?? double.PositiveInfinity, stored.LatencySeconds, stored.MeasuredAt);
        if (stored.Shapes is not null)
        {
            model.Restore(stored.Shapes);
        }

        return model;
    }

    /// <summary>Measures <paramref name="device"/> again, replacing and storing its model.</summary>
    public DeviceModel Recalibrate<T>(ComputeDevice device)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        models[(device.Id, typeof(T))] = Measure<T>(device);

    /// <summary>Stores the models as refined by the tiles run so far (called when the engine is disposed).</summary>
    public void SaveRefined(IEnumerable<ComputeDevice> devices)
    {
        foreach (ComputeDevice device in devices)
        {
            Save(device, typeof(float), "f32");
            Save(device, typeof(double), "f64");
        }
    }

    private DeviceModel Measure<T>(ComputeDevice device)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double gflops = device.ReportedGflops(typeof(T)) ?? MeasureGflops<T>(device);
        DeviceModel model = device.MeasureTransfer() is (double bandwidth, double latency)
            ? new DeviceModel(gflops, bandwidth, latency)
            : new DeviceModel(gflops);
        models[(device.Id, typeof(T))] = model;
        Save(device, typeof(T), ScalarType.Name<T>());
        return model;
    }

    private void Save(ComputeDevice device, Type precision, string name)
    {
        if (store is not null && models.TryGetValue((device.Id, precision), out DeviceModel? model))
        {
            store.Save(
                device.Identity,
                name,
                new StoredModel(
                    model.Gflops, model.ComputesFromHost ? null : model.BandwidthBytesPerSecond, model.LatencySeconds, model.MeasuredAt, model.ShapeThroughputs()));
        }
    }

    private static double MeasureBandwidth(ComputeDevice device)
    {
        const int First = 1 << 16, Last = 1 << 22;
        double Once(DeviceBuffer<float> x, DeviceBuffer<float> y, DeviceBuffer<float> r)
        {
            long start = Stopwatch.GetTimestamp();
            device.Zip(x, y, r, default(AddOperator));
            return Stopwatch.GetElapsedTime(start).TotalSeconds;
        }

        for (int n = First; ; n *= 4)
        {
            using DeviceBuffer<float> x = device.Allocate<float>(n), y = device.Allocate<float>(n), r = device.Allocate<float>(n);
            Once(x, y, r); // warm-up: kernel compilation, first touch
            double best = Math.Min(Once(x, y, r), Math.Min(Once(x, y, r), Once(x, y, r)));
            if (best >= 2e-3 || n >= Last)
            {
                return 12.0 * n / Math.Max(best, 1e-9);
            }
        }
    }

    private static double MeasureGflops<T>(ComputeDevice device)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        RunOnce<T>(device, FirstEdge); // warm-up: kernel compilation, buffer allocation, JIT tiering
        int edge = FirstEdge;
        double seconds;
        while ((seconds = RunOnce<T>(device, edge)) < LongEnoughSeconds && edge < LastEdge)
        {
            edge *= 2;
        }

        seconds = Math.Min(seconds, RunOnce<T>(device, edge));
        return 2.0 * edge * edge * edge / Math.Max(seconds, 1e-9) / 1e9;
    }

    private static double RunOnce<T>(ComputeDevice device, int edge)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var a = new HostMatrix<T>(edge, edge);
        var b = new HostMatrix<T>(edge, edge);
        a.Fill(T.One);
        b.Fill(T.One);
        var problem = GemmProblem<T>.Create(T.One, a, Transpose.None, b, Transpose.None, T.Zero, new HostMatrix<T>(edge, edge));
        long start = Stopwatch.GetTimestamp();
        device.RunGemmTile(problem, new GemmTile(0, 0, edge, edge), CancellationToken.None);
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }
}
