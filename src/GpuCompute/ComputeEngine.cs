namespace GpuCompute;

/// <summary>The engine an app embeds: it owns the devices, the kernels and the scheduler.</summary>
public sealed partial class ComputeEngine
{
}
