using ILGPU;
using ILGPU.Runtime;

namespace GpuCompute.Backends.Ilgpu;

/// <summary>The device's memory for device-resident data.</summary>
public sealed partial class IlgpuDevice
{
    internal override DeviceBuffer<T> Allocate<T>(long length) => new Buffer<T>(this, length);

    /// <summary>Memory on the accelerator (a GPU, or the emulator's host memory), zeroed when allocated. Copies hold
    /// the device's lock.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    private sealed class Buffer<T> : DeviceBuffer<T>
        where T : unmanaged
    {
        private readonly IlgpuDevice owner;
        private readonly MemoryBuffer1D<T, Stride1D.Dense> buffer;

        public Buffer(IlgpuDevice device, long length)
            : base(device, length)
        {
            owner = device;
            lock (device.gate)
            {
                ObjectDisposedException.ThrowIf(device.IsDisposed, device);
                buffer = device.accelerator.Allocate1D<T>(Math.Max(1, length));

                // Device allocations hold whatever was there before; the engine promises zero-filled data.
                buffer.MemSetToZero();
                device.accelerator.Synchronize();
            }
        }

        public override ArrayView<T> View => buffer.View.SubView(0, Length);

        public override void CopyFromHost(ReadOnlySpan<T> source, long offset)
        {
            lock (owner.gate)
            {
                ThrowIfFreed();
                View.SubView(offset, source.Length).CopyFromCPU(source);
            }
        }

        public override void CopyToHost(long offset, Span<T> destination)
        {
            lock (owner.gate)
            {
                ThrowIfFreed();
                View.SubView(offset, destination.Length).CopyToCPU(destination);
            }
        }

        public override void CopyWithinDevice(long offset, DeviceBuffer<T> destination, long destinationOffset, long length)
        {
            lock (owner.gate)
            {
                ThrowIfFreed();
                View.SubView(offset, length).CopyTo(destination.View.SubView(destinationOffset, length));
                owner.accelerator.Synchronize();
            }
        }

        /// <summary>Under the lock, a disposed device has freed this memory with its accelerator: never touch it then.</summary>
        private void ThrowIfFreed() => ObjectDisposedException.ThrowIf(owner.IsDisposed, owner);

        public override void Dispose()
        {
            lock (owner.gate)
            {
                // A disposed device already released every buffer with its accelerator.
                if (!owner.IsDisposed)
                {
                    buffer.Dispose();
                }
            }
        }
    }
}
