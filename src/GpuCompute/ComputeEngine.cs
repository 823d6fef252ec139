using GpuCompute.Devices;
using GpuCompute.Devices.Ilgpu;
using GpuCompute.Scheduling;
using ILGPU;

namespace GpuCompute;

/// <summary>
/// The engine an app embeds: it finds the devices, owns the ILGPU context, the kernels and the scheduler, and splits
/// large operations into tiles across the selected devices. Disposing it releases everything.
/// </summary>
/// <remarks>Operations may be called from several threads at once; each device runs one tile at a time.</remarks>
public sealed partial class ComputeEngine : IDisposable
{
    private readonly Context? context;
    private readonly GemmScheduler scheduler;
    private readonly DeviceCalibrator calibrator;
    private int disposed;

    /// <summary>Finds the devices named by <paramref name="options"/> (or <c>GPUCOMPUTE_DEVICES</c>) and sets them up.</summary>
    /// <exception cref="ArgumentException">A device or policy name is unknown (the message lists the valid ones).</exception>
    /// <exception cref="InvalidOperationException">A named device is not present on this machine.</exception>
    public ComputeEngine(ComputeEngineOptions? options = null)
    {
        options ??= new ComputeEngineOptions();
        var selection = DeviceSelection.Parse(options.Devices ?? Environment.GetEnvironmentVariable(DeviceSelection.EnvironmentVariable));
        string? policyName = Environment.GetEnvironmentVariable(SchedulingPolicyNames.EnvironmentVariable);
        Policy = options.Policy ?? (string.IsNullOrWhiteSpace(policyName) ? SchedulingPolicy.Adaptive : SchedulingPolicyNames.Parse(policyName));
        int threads = options.CpuThreads ?? Environment.ProcessorCount;
        if (threads < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"CpuThreads must be at least 1; got {threads}.");
        }

        if (options.DeviceMemoryBudgetBytes <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"DeviceMemoryBudgetBytes must be positive; got {options.DeviceMemoryBudgetBytes}.");
        }

        var found = new List<ComputeDevice>();
        IReadOnlyList<ComputeDevice> selected;
        try
        {
            // A CPU-only run never needs ILGPU: skipping its context saves start-up time and native probing.
            if (!selection.IsCpuOnly)
            {
                context = IlgpuRuntime.CreateContext();
                found.AddRange(IlgpuRuntime.DiscoverGpus(context));
            }

            found.Add(new CpuDevice(threads));
            if (context is not null && selection.WantsEmulator)
            {
                found.Add(IlgpuRuntime.CreateEmulator(context));
            }

            selected = selection.Select(found);
            if (options.InjectFaults is { Count: > 0 } faults)
            {
                string? unknown = faults.Keys.FirstOrDefault(id => selected.All(d => d.Id != id));
                if (unknown is not null)
                {
                    throw new ArgumentException($"Cannot inject a fault into '{unknown}': the engine's devices are {string.Join(", ", selected.Select(d => d.Id))}.", nameof(options));
                }
            }
        }
        catch
        {
            found.ForEach(d => d.Dispose());
            context?.Dispose();
            throw;
        }

        if (options.DeviceMemoryBudgetBytes is long budget)
        {
            foreach (IlgpuDevice device in selected.OfType<IlgpuDevice>())
            {
                device.MemoryBudgetBytes = budget;
            }
        }

        foreach (ComputeDevice unused in found.Except(selected))
        {
            unused.Dispose();
        }

        Devices = options.InjectFaults is { Count: > 0 } inject
            ? selected.Select(d => inject.TryGetValue(d.Id, out int ok) ? new FaultInjectingDevice(d, ok) : d).ToArray()
            : selected;

        Action<string> warn = options.Warning ?? (message => System.Diagnostics.Trace.TraceWarning(message));
        ModelStore? store = options.PersistModels ? new ModelStore(options.ModelCachePath ?? ModelStore.DefaultPath, warn) : null;
        calibrator = new DeviceCalibrator(store);
        scheduler = new GemmScheduler(Devices, Policy, options.RandomSeed, options.Tiling ?? TilePlanner.Default, calibrator);
    }

    /// <summary>The devices this engine computes on, in scheduling order.</summary>
    public IReadOnlyList<ComputeDevice> Devices { get; }

    /// <summary>How tiles are assigned to the devices.</summary>
    public SchedulingPolicy Policy { get; }

    /// <summary>Releases every device, its kernels and buffers, and the ILGPU context.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        // Models refined by this engine's tiles make the next engine's first split better.
        calibrator.SaveRefined(Devices);
        foreach (ComputeDevice device in Devices)
        {
            device.Dispose();
        }

        context?.Dispose();
    }

    /// <summary>
    /// Measures every device's GEMM throughput (and, for GPUs, transfer costs) in f32 and f64 now, replacing the models
    /// the scheduler plans with and, unless <see cref="ComputeEngineOptions.PersistModels"/> is off, storing them for
    /// later runs. Blocks; takes about a second per device.
    /// </summary>
    public IReadOnlyList<DeviceCalibration> Calibrate()
    {
        ThrowIfDisposed();
        var results = new List<DeviceCalibration>();
        foreach (ComputeDevice device in Devices)
        {
            results.Add(Describe(device, "f32", calibrator.Recalibrate<float>(device)));
            results.Add(Describe(device, "f64", calibrator.Recalibrate<double>(device)));
        }

        return results;

        static DeviceCalibration Describe(ComputeDevice device, string precision, DeviceModel model) => new(
            device.Id, device.Name, device.Kind, precision, model.Gflops,
            model.ComputesFromHost ? null : model.BandwidthBytesPerSecond, model.LatencySeconds);
    }

    /// <summary>True once the engine has been disposed (its devices, and data on them, are gone).</summary>
    internal bool IsDisposed => Volatile.Read(ref disposed) != 0;

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
}
