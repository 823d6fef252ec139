namespace GpuCompute.Bench.Commands;

/// <summary>Bad command-line input: the CLI prints the message on one line and exits with status 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
