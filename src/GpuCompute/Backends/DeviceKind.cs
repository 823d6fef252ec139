namespace GpuCompute.Backends;

/// <summary>What kind of hardware (or emulation) a <see cref="ComputeDevice"/> runs on.</summary>
public enum DeviceKind
{
    /// <summary>The managed multicore CPU device: GpuCompute's own SIMD C# code on every core.</summary>
    Cpu,

    /// <summary>An NVIDIA GPU through ILGPU's CUDA backend.</summary>
    Cuda,

    /// <summary>An OpenCL device through ILGPU's OpenCL backend.</summary>
    OpenCL,

    /// <summary>ILGPU's CPU accelerator: a debugging emulator of a GPU, for correctness checks, never for speed.</summary>
    IlgpuCpu,

    /// <summary>Another machine of a cluster (<see cref="ComputeEngineOptions.Cluster"/>): its own engine computes what
    /// it is sent on its devices.</summary>
    Node,
}
