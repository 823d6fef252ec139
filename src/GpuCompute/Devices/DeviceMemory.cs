using ILGPU;

namespace GpuCompute.Devices;

/// <summary>
/// One block of a device's memory holding <see cref="Length"/> elements: host memory for the CPU device, accelerator
/// memory for ILGPU devices. Kernels see it as an ILGPU <see cref="ArrayView{T}"/>.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
internal abstract class DeviceMemory<T> : IDisposable
    where T : unmanaged
{
    protected DeviceMemory(ComputeDevice device, long length)
    {
        Device = device;
        Length = length;
    }

    /// <summary>The device the memory belongs to.</summary>
    public ComputeDevice Device { get; }

    /// <summary>Number of elements.</summary>
    public long Length { get; }

    /// <summary>The memory as ILGPU sees it (a host view for the CPU device, usable from plain C#).</summary>
    public abstract ArrayView<T> View { get; }

    /// <summary>Copies <paramref name="source"/> into elements <paramref name="offset"/> onwards. Blocks until done.</summary>
    public abstract void CopyFromHost(ReadOnlySpan<T> source, long offset);

    /// <summary>Copies elements <paramref name="offset"/> onwards into <paramref name="destination"/>. Blocks until done.</summary>
    public abstract void CopyToHost(long offset, Span<T> destination);

    /// <summary>Copies <paramref name="length"/> elements to <paramref name="destination"/> on the same device. Blocks.</summary>
    public abstract void CopyWithinDevice(long offset, DeviceMemory<T> destination, long destinationOffset, long length);

    /// <summary>Frees the memory.</summary>
    public abstract void Dispose();
}
