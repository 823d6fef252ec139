namespace GpuCompute.Client;

/// <summary>An operand of a job: an uploaded blob by its id, or (for small synchronous requests) values inline, with
/// its shape.</summary>
/// <remarks>The shape is [length] for a vector, [rows, cols] for a row-major matrix, [count, rows, cols] for a batch.
/// An uploaded blob holds the elements as little-endian <c>float</c> or <c>double</c> in that order, and its size must
/// be exactly the shape's element count times the element size.</remarks>
public sealed record OperandRef
{
    /// <summary>The id an upload returned (the SHA-256 of its bytes), or null when <see cref="Values"/> are given.</summary>
    public string? Id { get; init; }

    /// <summary>The operand's shape.</summary>
    public required IReadOnlyList<long> Shape { get; init; }

    /// <summary>The elements inline, in row-major order, instead of an upload.</summary>
    public IReadOnlyList<double>? Values { get; init; }

    /// <summary>An uploaded operand.</summary>
    public static OperandRef Uploaded(string id, params long[] shape) => new() { Id = id, Shape = shape };

    /// <summary>An inline operand.</summary>
    public static OperandRef Inline(IReadOnlyList<double> values, params long[] shape) => new() { Values = values, Shape = shape };
}
