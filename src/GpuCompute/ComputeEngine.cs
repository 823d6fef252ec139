using GpuCompute.Backends;
using GpuCompute.Backends.Cpu;
using GpuCompute.Diagnostics;
using GpuCompute.Backends.Ilgpu;
using GpuCompute.Data;
using GpuCompute.Scheduling;
using ILGPU;
using Microsoft.Extensions.Logging;

namespace GpuCompute;

/// <summary>
/// The engine an app embeds: it finds the devices, owns the ILGPU context, the kernels and the scheduler, and splits
/// large operations into tiles across the selected devices. Disposing it releases everything.
/// </summary>
/// <remarks>Operations may be called from several threads at once; each device runs one tile at a time.</remarks>
public sealed partial class ComputeEngine : IDisposable
{
    private readonly Context? context;
    private readonly IClusterBackend? cluster;
    private readonly DeviceCalibrator calibrator;
    private readonly DefaultLayouts defaultLayouts;
    private readonly int randomSeed;
    private readonly TilePlanner tiling;

    // Replaced together (under admission) when a node joins the cluster; an operation reads each once, at its start.
    private volatile IReadOnlyList<ComputeDevice> devices;
    private volatile GemmScheduler scheduler;

    // Cancelled by Dispose: operations in flight stop at their next check (between tiles, inside long CPU products,
    // between out-of-core chunks) and end with ObjectDisposedException; Dispose waits for them before freeing devices.
    private readonly CancellationTokenSource lifetime = new();
    private int disposed;
    private int inFlight;

    /// <summary>Operations the current thread is running work for (its own call, or tiles as an engine worker): Dispose
    /// called from such a thread (a progress callback, say) cannot wait for them.</summary>
    [ThreadStatic]
    private static int operationDepth;

    /// <summary>Finds the devices named by <paramref name="options"/> (or <c>GPUCOMPUTE_DEVICES</c>) and sets them up.</summary>
    /// <exception cref="ArgumentException">A device or policy name is unknown (the message lists the valid ones).</exception>
    /// <exception cref="InvalidOperationException">A named device is not present on this machine.</exception>
    public ComputeEngine(ComputeEngineOptions? options = null)
    {
        options ??= new ComputeEngineOptions();

        // An empty environment variable means "unset", but an empty list given explicitly is a mistake, not "default".
        if (options.Devices is { } named && (string.IsNullOrWhiteSpace(named) || named.Split(',').All(string.IsNullOrWhiteSpace)))
        {
            throw new ArgumentException(
                $"The device list '{named}' names no device; give e.g. 'cpu', 'cuda,cpu' or 'default' (or leave it unset for the default).", nameof(options));
        }

        selection = DeviceSelection.Parse(options.Devices ?? Environment.GetEnvironmentVariable(DeviceSelection.EnvironmentVariable));
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

        ILogger logger = options.Logger ?? StandardErrorLogger.Instance;
        var found = new List<ComputeDevice>();
        IReadOnlyList<ComputeDevice> selected;
        try
        {
            string? clusterSpec = options.Cluster ?? Environment.GetEnvironmentVariable(ClusterBackends.EnvironmentVariable);
            if (!string.IsNullOrWhiteSpace(clusterSpec))
            {
                cluster = ClusterBackends.Connect(clusterSpec.Trim(), logger);
                found.AddRange(cluster.Nodes);
            }

            // A CPU-only run never needs ILGPU: skipping its context saves start-up time and native probing.
            if (!selection.IsCpuOnly && !selection.IsNodesOnly)
            {
                context = IlgpuRuntime.CreateContext();
                found.AddRange(IlgpuRuntime.DiscoverGpus(context, options.DeviceMemoryBudgetBytes));
            }

            found.Add(new CpuDevice(threads));
            if (context is not null && selection.WantsEmulator)
            {
                found.Add(IlgpuRuntime.CreateEmulator(context, options.DeviceMemoryBudgetBytes));
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
            cluster?.Dispose();
            throw;
        }

        foreach (ComputeDevice unused in found.Except(selected))
        {
            unused.Dispose();
        }

        devices = options.InjectFaults is { Count: > 0 } inject
            ? selected.Select(d => inject.TryGetValue(d.Id, out int ok) ? new FaultInjectingDevice(d, ok) : d).ToArray()
            : selected;

        Action<string> warn = message => EngineLog.Warning(logger, message);
        ModelStore? store = options.PersistModels ? new ModelStore(options.ModelCachePath ?? ModelStore.DefaultPath, warn) : null;
        calibrator = new DeviceCalibrator(store);
        defaultLayouts = new DefaultLayouts(this, calibrator, logger);
        randomSeed = options.RandomSeed;
        tiling = options.Tiling ?? TilePlanner.Default;
        this.logger = logger;
        scheduler = new GemmScheduler(devices, Policy, options.RandomSeed, tiling, calibrator);
    }

    /// <summary>The devices this engine computes on, in scheduling order. In a cluster they follow membership when an
    /// operation starts: a node that joined since is added, one that left is dropped, and one that rejoins under its
    /// old name replaces its dead self.</summary>
    public IReadOnlyList<ComputeDevice> Devices => devices;

    /// <summary>The GEMM throughput the scheduler plans <paramref name="device"/> with (its stored or measured model).</summary>
    internal double CalibratedGflops<T>(ComputeDevice device)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> => calibrator.Model<T>(device).Gflops;

    /// <summary>How tiles (and the tasks of task graphs) are assigned to the devices.</summary>
    public SchedulingPolicy Policy { get; }

    /// <summary>
    /// Releases every device, its kernels and buffers, and the ILGPU context. Operations still running are cancelled
    /// first (they end with <see cref="ObjectDisposedException"/>) and waited for, so no device is freed under them.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        lifetime.Cancel();
        if (operationDepth == 0)
        {
            SpinWait.SpinUntil(() => Volatile.Read(ref inFlight) == 0);
        }

        // Models refined by this engine's tiles make the next engine's first split better.
        calibrator.SaveRefined(Devices);
        foreach (ComputeDevice device in Devices.Concat(retired))
        {
            device.Dispose();
        }

        context?.Dispose();
        cluster?.Dispose();
        lifetime.Dispose();
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

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);

    /// <summary>Marks the calling thread as running engine work (an engine worker thread running tiles).</summary>
    internal static void EnterWorkerThread() => operationDepth++;

    /// <summary>Ends <see cref="EnterWorkerThread"/>.</summary>
    internal static void ExitWorkerThread() => operationDepth--;

    /// <summary>
    /// Registers an operation in flight, so that <see cref="Dispose"/> waits for it; throws if the engine is already
    /// disposed. Every call is paired with <see cref="EndOperation"/>; <paramref name="synchronous"/> (the same for both)
    /// says that the calling thread runs the operation itself, start to end.
    /// </summary>
    /// <returns>The engine's lifetime token, cancelled by <see cref="Dispose"/>.</returns>
    internal CancellationToken BeginOperation(bool synchronous)
    {
        Interlocked.Increment(ref inFlight);
        if (Volatile.Read(ref disposed) != 0)
        {
            Interlocked.Decrement(ref inFlight);
            ThrowIfDisposed();
        }

        if (cluster is not null && operationDepth == 0)
        {
            FollowMembership();
        }

        if (synchronous)
        {
            operationDepth++;
        }

        return lifetime.Token;
    }

    /// <summary>Ends an operation registered by <see cref="BeginOperation"/>.</summary>
    internal void EndOperation(bool synchronous)
    {
        if (synchronous)
        {
            operationDepth--;
        }

        Interlocked.Decrement(ref inFlight);
    }

    /// <summary>What an operation stopped by <see cref="Dispose"/> throws instead of a cancellation or device failure.</summary>
    private ObjectDisposedException DisposedDuring(Exception cause) =>
        new(nameof(ComputeEngine), $"The engine was disposed while the operation was running, so it stopped before finishing ({cause.Message}).");

    /// <summary>True when <paramref name="e"/> is how an operation ends because the engine was disposed under it.</summary>
    private bool StoppedByDispose(Exception e) =>
        IsDisposed && e is OperationCanceledException or GemmFailedException or DeviceFailedException;
}
