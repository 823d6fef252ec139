namespace GpuCompute.Client;

/// <summary>A device of the service's engine.</summary>
/// <param name="Id">Its stable id, e.g. <c>cpu</c> or <c>cuda:0</c>.</param>
/// <param name="Name">Its name.</param>
/// <param name="Kind">Its kind, e.g. <c>Cpu</c>, <c>Cuda</c>.</param>
/// <param name="MemoryBytes">Its memory.</param>
public sealed record DeviceInfo(string Id, string Name, string Kind, long MemoryBytes);
