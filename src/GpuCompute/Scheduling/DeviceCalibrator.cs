using System.Collections.Concurrent;
using System.Diagnostics;
using System.Numerics;
using GpuCompute.Backends;
using GpuCompute.Gemm;
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
        double gflops = MeasureGflops<T>(device);
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
