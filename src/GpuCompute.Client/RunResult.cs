namespace GpuCompute.Client;

/// <summary>The answer to a small synchronous request: the result's shape and values, and what the engine did.</summary>
public sealed record RunResult
{
    /// <summary>The result's shape ([] for a scalar).</summary>
    public required IReadOnlyList<long> Shape { get; init; }

    /// <summary>The result's elements in row-major order (one for a reduction).</summary>
    public required IReadOnlyList<double> Values { get; init; }

    /// <summary><c>imax</c>/<c>imin</c>: the value's index.</summary>
    public long? Index { get; init; }

    /// <summary>What the engine did.</summary>
    public JobReport? Report { get; init; }
}
