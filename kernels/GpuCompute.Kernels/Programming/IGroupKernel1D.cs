namespace GpuCompute.Kernels;

/// <summary>
/// A user kernel over a 1-D range that uses ILGPU's group or warp intrinsics (<c>Group.Barrier</c>,
/// <c>SharedMemory</c>, <c>Warp.Shuffle</c>, …). Runs only on ILGPU devices (GPUs, and the emulator for tests): the
/// engine leaves the CPU device out of its split, because plain C# has no thread groups.
/// </summary>
/// <remarks>
/// The engine launches groups of <c>GroupSize</c> consecutive indices (see the launch call). The last group of a
/// device's sub-range may extend past its end: those threads get <c>inRange = false</c> and must still reach every
/// barrier, but must not touch data.
/// </remarks>
public interface IGroupKernel1D
{
    /// <summary>Runs one thread of a group.</summary>
    /// <param name="index">The thread's global index.</param>
    /// <param name="inRange">False for the padding threads of a device's last group (index past the sub-range's end).</param>
    void Execute(long index, bool inRange);
}
