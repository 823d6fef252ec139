namespace GpuCompute.Service;

/// <summary>The service's limits and where it keeps its data (configuration section <c>GpuCompute:Service</c>, or
/// environment variables such as <c>GpuCompute__Service__DataDirectory</c>).</summary>
public sealed class ServiceOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "GpuCompute:Service";

    /// <summary>Where the job database, uploads and results live.</summary>
    public string DataDirectory { get; set; } = "gpucompute-data";

    /// <summary>The engine's devices (as <c>--devices</c> in the bench CLI); null for the default devices.</summary>
    public string? Devices { get; set; }

    /// <summary>CPU threads for the engine's CPU device; null for all cores.</summary>
    public int? CpuThreads { get; set; }

    /// <summary>The largest upload, in bytes (only the upload endpoint accepts more than Kestrel's default of 30,000,000).</summary>
    public long MaxUploadBytes { get; set; } = 4L << 30;

    /// <summary>The most elements any one operand or result may have.</summary>
    public long MaxElements { get; set; } = 1L << 28;

    /// <summary>The most floating-point operations one job may need.</summary>
    public double MaxJobFlops { get; set; } = 2e13;

    /// <summary>The most floating-point operations a synchronous request may need.</summary>
    public double MaxRunFlops { get; set; } = 2e9;

    /// <summary>The most elements a synchronous request's operands and result may have together.</summary>
    public long MaxRunElements { get; set; } = 1L << 20;

    /// <summary>Jobs queued or running at once; a submit beyond it gets 503 with <c>Retry-After</c>.</summary>
    public int MaxQueuedJobs { get; set; } = 256;

    /// <summary>Jobs run at once. Each may use every device; two let one job's file and database writes overlap
    /// another's compute.</summary>
    public int Workers { get; set; } = 2;

    /// <summary>Requests per second each API key may make on average.</summary>
    public int RequestsPerSecond { get; set; } = 500;

    /// <summary>Requests a key may make in a burst above the average.</summary>
    public int RequestBurst { get; set; } = 1000;

    /// <summary>Create a first key and print it when there are none (for a newcomer's first start).</summary>
    public bool CreateFirstKey { get; set; } = true;
}
