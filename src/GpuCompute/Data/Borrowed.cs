using GpuCompute.Backends;

namespace GpuCompute.Data;

/// <summary>A buffer lent for one piece of work: an array's own part used in place, or a temporary copy freed on
/// <see cref="Dispose"/>.</summary>
/// <typeparam name="T">The element type.</typeparam>
internal readonly struct Borrowed<T>(DeviceBuffer<T> buffer, bool owned) : IDisposable
    where T : unmanaged
{
    /// <summary>The buffer.</summary>
    public DeviceBuffer<T> Buffer { get; } = buffer;

    public void Dispose()
    {
        if (owned)
        {
            Buffer.Dispose();
        }
    }
}
