using ILGPU;
using ILGPU.Runtime;

namespace GpuCompute.Devices.Ilgpu;

/// <summary>Memory on an ILGPU accelerator (a GPU, or the emulator's host memory). Copies hold the device's lock.</summary>
/// <typeparam name="T">The element type.</typeparam>
internal sealed class AcceleratorMemory<T> : DeviceMemory<T>
    where T : unmanaged
{
    private readonly IlgpuDevice owner;
    private readonly MemoryBuffer1D<T, Stride1D.Dense> buffer;

    public AcceleratorMemory(IlgpuDevice device, long length)
        : base(device, length)
    {
        owner = device;
        lock (device.Gate)
        {
            buffer = device.Accelerator.Allocate1D<T>(Math.Max(1, length));
        }
    }

    /// <summary>The device holding the memory.</summary>
    public IlgpuDevice Owner => owner;

    public override ArrayView<T> View => buffer.View.SubView(0, Length);

    public override void CopyFromHost(ReadOnlySpan<T> source, long offset)
    {
        lock (owner.Gate)
        {
            View.SubView(offset, source.Length).CopyFromCPU(source);
        }
    }

    public override void CopyToHost(long offset, Span<T> destination)
    {
        lock (owner.Gate)
        {
            View.SubView(offset, destination.Length).CopyToCPU(destination);
        }
    }

    public override void CopyWithinDevice(long offset, DeviceMemory<T> destination, long destinationOffset, long length)
    {
        lock (owner.Gate)
        {
            View.SubView(offset, length).CopyTo(destination.View.SubView(destinationOffset, length));
            owner.Accelerator.Synchronize();
        }
    }

    public override void Dispose()
    {
        lock (owner.Gate)
        {
            // A disposed device already released every buffer with its accelerator.
            if (!owner.IsDisposed)
            {
                buffer.Dispose();
            }
        }
    }
}
