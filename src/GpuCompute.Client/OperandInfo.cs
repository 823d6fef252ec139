namespace GpuCompute.Client;

/// <summary>What an upload stored: its id (the lowercase hex SHA-256 of its bytes) and its size.</summary>
/// <param name="Id">The id to name the operand by in a <see cref="JobRequest"/>.</param>
/// <param name="Bytes">Its size in bytes.</param>
public sealed record OperandInfo(string Id, long Bytes);
