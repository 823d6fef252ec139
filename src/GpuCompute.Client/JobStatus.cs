namespace GpuCompute.Client;

/// <summary>A job as the service sees it now.</summary>
public sealed record JobStatus
{
    /// <summary>The job's id.</summary>
    public required string Id { get; init; }

    /// <summary>The operation, e.g. <c>gemm</c>.</summary>
    public required string Operation { get; init; }

    /// <summary><c>f32</c> or <c>f64</c>.</summary>
    public required string Precision { get; init; }

    /// <summary>One of <see cref="JobState"/>'s values.</summary>
    public required string State { get; init; }

    /// <summary>When it was stored (UTC).</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When its current attempt started, if it has.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it finished, if it has.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>How many times a worker has started it (more than 1 after a restart during a run).</summary>
    public int Attempts { get; init; }

    /// <summary>Fraction done, 0 to 1 (tiles done of all tiles for GEMM).</summary>
    public double Progress { get; init; }

    /// <summary>Floating-point operations the job needs.</summary>
    public double Flops { get; init; }

    /// <summary>Why it failed or was canceled.</summary>
    public string? Error { get; init; }

    /// <summary>The result, once it succeeded.</summary>
    public JobResult? Result { get; init; }

    /// <summary>What the engine did, once it succeeded.</summary>
    public JobReport? Report { get; init; }
}
