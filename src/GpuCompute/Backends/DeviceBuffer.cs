using System.Buffers;
using ILGPU;

namespace GpuCompute.Backends;

/// <summary>
/// One block of a device's memory holding <see cref="Length"/> elements: host memory for the CPU device, accelerator
/// memory for ILGPU devices. Kernels see it as an ILGPU <see cref="ArrayView{T}"/>.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
internal abstract class DeviceBuffer<T> : IDisposable
    where T : unmanaged
{
    protected DeviceBuffer(ComputeDevice device, long length)
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
    public abstract void CopyWithinDevice(long offset, DeviceBuffer<T> destination, long destinationOffset, long length);

    /// <summary>The elements as a host array when the device computes from host memory (the CPU device), so other
    /// devices can copy from or to it without staging; null for device memory.</summary>
    public virtual T[]? HostArray => null;

    /// <summary>
    /// Copies <paramref name="length"/> elements to <paramref name="destination"/> on any device: within the device when
    /// both are on one, directly when either side is host memory, otherwise staged through host memory in chunks.
    /// Blocks until done.
    /// </summary>
    public void CopyTo(long offset, DeviceBuffer<T> destination, long destinationOffset, long length)
    {
        if (length == 0)
        {
            return;
        }

        if (destination.Device == Device)
        {
            CopyWithinDevice(offset, destination, destinationOffset, length);
        }
        else if (HostArray is T[] source)
        {
            destination.CopyFromHost(source.AsSpan(checked((int)offset), checked((int)length)), destinationOffset);
        }
        else if (destination.HostArray is T[] target)
        {
            CopyToHost(offset, target.AsSpan(checked((int)destinationOffset), checked((int)length)));
        }
        else
        {
            // Neither side is host memory (two GPUs): a pooled staging chunk, reused for every piece.
            const int Chunk = 1 << 22;
            T[] staging = ArrayPool<T>.Shared.Rent((int)Math.Min(Chunk, length));
            try
            {
                for (long done = 0; done < length; done += staging.Length)
                {
                    int n = (int)Math.Min(staging.Length, length - done);
                    CopyToHost(offset + done, staging.AsSpan(0, n));
                    destination.CopyFromHost(staging.AsSpan(0, n), destinationOffset + done);
                }
            }
            finally
            {
                ArrayPool<T>.Shared.Return(staging);
            }
        }
    }

    /// <summary>Frees the memory.</summary>
    public abstract void Dispose();
}
