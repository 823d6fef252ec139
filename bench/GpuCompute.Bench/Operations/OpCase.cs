namespace GpuCompute.Bench.Operations;

/// <summary>
/// One operation set up on device-resident inputs for the <c>op</c> command: what one run costs (flops, bytes that must
/// move), the run itself, and its check against a double-precision host reference.
/// </summary>
/// <param name="Name">The operation's CLI name.</param>
/// <param name="Flops">Floating-point operations per run.</param>
/// <param name="Bytes">Bytes a run must read and write at least (each operand once).</param>
/// <param name="MemoryBound">True when the operation is judged in GB/s (against the triad), false for GFLOP/s.</param>
/// <param name="Run">One run; blocks until the result is complete.</param>
/// <param name="Check">Compares the last run's result with the reference: (relative error, tolerance).</param>
/// <param name="Resources">What to dispose afterwards.</param>
internal sealed record OpCase(
    string Name, double Flops, double Bytes, bool MemoryBound, Action Run, Func<(double RelativeError, double Tolerance)> Check, IDisposable Resources);
