namespace GpuCompute.Kernels;

/// <summary>
/// A user kernel over a 1-D index range, written once in C# as an operator struct: the engine compiles it with ILGPU for
/// GPUs and runs it as plain JIT-compiled, multithreaded C# on the CPU device.
/// </summary>
/// <remarks>
/// <para>Fields carry the kernel's data: scalars, and views (<see cref="VectorView{T}"/>, <see cref="MatrixView{T}"/>)
/// that the engine binds to the part of each device-resident array living on the device that runs the sub-range.</para>
/// <para>The rules are ILGPU's: no allocations, no exceptions, no virtual calls, no group or warp intrinsics (for
/// those, see <see cref="IGroupKernel1D"/>). Each index runs once, in no particular order, possibly in parallel.</para>
/// </remarks>
public interface IKernel1D
{
    /// <summary>Computes element <paramref name="index"/> of the range (a global index, the same on every device).</summary>
    /// <param name="index">The global index, in [0, range length).</param>
    void Execute(long index);
}
