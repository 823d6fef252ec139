using GpuCompute.Scheduling;
using Microsoft.Extensions.Logging;

namespace GpuCompute;

/// <summary>How a <see cref="ComputeEngine"/> is set up. Unset values fall back to environment variables, then defaults.</summary>
public sealed class ComputeEngineOptions
{
    /// <summary>
    /// The devices to use, e.g. <c>cpu</c>, <c>cuda,cpu</c>, <c>ilgpu-cpu</c>; null falls back to
    /// <c>GPUCOMPUTE_DEVICES</c>, then <c>default</c> (the CPU device and every GPU). An empty list is an error.
    /// </summary>
    public string? Devices { get; init; }

    /// <summary>How tiles are assigned to devices; null falls back to <c>GPUCOMPUTE_POLICY</c>, then
    /// <see cref="SchedulingPolicy.Adaptive"/>.</summary>
    public SchedulingPolicy? Policy { get; init; }

    /// <summary>Threads of the managed CPU device; null means every logical processor.</summary>
    public int? CpuThreads { get; init; }

    /// <summary>
    /// Device memory (bytes) one tile's operands may use on each GPU or emulator device; null means three quarters of
    /// its memory. Matrices larger than the budget stream through the device block by block (out-of-core).
    /// </summary>
    public long? DeviceMemoryBudgetBytes { get; init; }

    /// <summary>
    /// A cluster to join: its nodes' gateways as <c>HOST:PORT[,HOST:PORT…]</c>, optionally followed by
    /// <c>;cluster=ID</c> (default <c>gpucompute</c>); null falls back to <c>GPUCOMPUTE_CLUSTER</c>, then to none. Each
    /// node then appears as a device of kind <see cref="Backends.DeviceKind.Node"/> (<c>node</c> or <c>node:NAME</c> in
    /// <see cref="Devices"/>; <c>default</c> includes them). Needs the GpuCompute.Cluster package.
    /// </summary>
    public string? Cluster { get; init; }

    /// <summary>Seed of the <see cref="SchedulingPolicy.Random"/> policy, so a run can be repeated.</summary>
    public int RandomSeed { get; init; } = 12345;

    /// <summary>
    /// Keep measured device performance models between runs in a cache file, so later engines skip calibration
    /// (default true). A corrupt or stale file is ignored with a warning.
    /// </summary>
    public bool PersistModels { get; init; } = true;

    /// <summary>The model cache file; null means <c>$XDG_CACHE_HOME/gpucompute/performance-models.json</c> (or <c>~/.cache/…</c>).</summary>
    public string? ModelCachePath { get; init; }

    /// <summary>Receives the engine's warnings (an unreadable or oversized model cache, a cache that cannot be written);
    /// null writes them to standard error, one line each.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>
    /// Devices (by id) that fail on purpose after computing the given number of operation tiles (calibration excluded):
    /// for watching fault handling from the CLI.
    /// </summary>
    internal IReadOnlyDictionary<string, int>? InjectFaults { get; init; }

    /// <summary>Tile sizes; tests set small ones to exercise many tiles on small matrices.</summary>
    internal TilePlanner? Tiling { get; init; }
}
