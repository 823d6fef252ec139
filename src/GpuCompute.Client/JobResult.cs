namespace GpuCompute.Client;

/// <summary>A finished job's result: its shape, and for reductions its value (and index) inline.</summary>
/// <remarks>The download holds the elements as little-endian <c>float</c> or <c>double</c> in row-major order; a
/// reduction's download is its one value.</remarks>
public sealed record JobResult
{
    /// <summary>The result's shape ([] for a scalar).</summary>
    public required IReadOnlyList<long> Shape { get; init; }

    /// <summary>The download's size in bytes.</summary>
    public long Bytes { get; init; }

    /// <summary>The download's entity tag: the hex SHA-256 of its bytes.</summary>
    public string? ETag { get; init; }

    /// <summary>A reduction's value.</summary>
    public double? Value { get; init; }

    /// <summary><c>imax</c>/<c>imin</c>: the value's index.</summary>
    public long? Index { get; init; }
}
