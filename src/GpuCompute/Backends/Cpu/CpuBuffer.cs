using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;

namespace GpuCompute.Backends.Cpu;

/// <summary>
/// The CPU device's memory: a pinned managed array, so the SIMD code reads it as a span and user kernels (plain C# on
/// the CPU device) as an ILGPU view over the same pinned elements.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
internal sealed class CpuBuffer<T> : DeviceBuffer<T>
    where T : unmanaged
{
    private readonly MemoryBuffer? buffer;
    private readonly ArrayView<T> view;

    public CpuBuffer(CpuDevice device, long length)
        : base(device, length)
    {
        if (length > System.Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(
                nameof(length), $"The CPU device holds at most {System.Array.MaxLength} elements per device part; {length} were asked for.");
        }

        Array = GC.AllocateArray<T>((int)length, pinned: true);
        if (length > 0)
        {
            // A pointer-wrapping ILGPU buffer owns nothing; the array is pinned for its whole life, so the pointer stays valid.
            buffer = CPUMemoryBuffer.Create(device.HostAccelerator, ref MemoryMarshal.GetArrayDataReference(Array), length);
            view = new ArrayView<T>(buffer, 0, length);
        }
    }

    /// <summary>The elements.</summary>
    public T[] Array { get; }

    /// <summary>The elements as a span.</summary>
    public Span<T> Span => Array;

    public override T[] HostArray => Array;

    public override ArrayView<T> View => view;

    public override void CopyFromHost(ReadOnlySpan<T> source, long offset) => source.CopyTo(Array.AsSpan((int)offset));

    public override void CopyToHost(long offset, Span<T> destination) => Array.AsSpan((int)offset, destination.Length).CopyTo(destination);

    public override void CopyWithinDevice(long offset, DeviceBuffer<T> destination, long destinationOffset, long length) =>
        Array.AsSpan((int)offset, (int)length).CopyTo(destination.HostArray.AsSpan((int)destinationOffset));

    public override void Dispose() => buffer?.Dispose();
}
