using GpuCompute.Client;

namespace GpuCompute.Service.Operations;

/// <summary>What an operation produced: the result's elements and shape (a reduction's one value, and for
/// <c>imax</c>/<c>imin</c> its index), with the engine's report and timeline.</summary>
public sealed record OperationOutcome<T>(T[] Values, long[] Shape, long? Index, JobReport Report, JobTrace Trace);
