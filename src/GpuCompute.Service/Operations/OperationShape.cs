namespace GpuCompute.Service.Operations;

/// <summary>What an operation will do with a request: the operands it reads (by role), the shape of its result and
/// the floating-point operations it needs.</summary>
/// <param name="Reads">The roles of the operands it reads, with their shapes.</param>
/// <param name="Result">The result's shape ([] for a scalar).</param>
/// <param name="Flops">Floating-point operations (the usual counts: 2mnk for GEMM).</param>
public sealed record OperationShape(IReadOnlyDictionary<string, long[]> Reads, long[] Result, double Flops);
