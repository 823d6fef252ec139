using GpuCompute.Backends;

namespace GpuCompute.Tasks;

/// <summary>
/// Scratch buffers on the devices of one task graph, handed from task to task: a triangular solve's transposed tile
/// and QR's two intermediates would otherwise allocate device memory per task (on CUDA an allocation with its own
/// synchronisation). A rented buffer is the task's alone until it is given back; the graph frees them all at its end,
/// and a failed device's at once.
/// </summary>
internal sealed class DeviceScratch<T>
    where T : unmanaged
{
    /// <summary>Free buffers kept per device; more are freed when given back.</summary>
    private const int Kept = 4;

    private readonly Dictionary<ComputeDevice, List<DeviceBuffer<T>>> free = [];

    /// <summary>A buffer of at least <paramref name="length"/> elements on <paramref name="device"/>: the smallest free
    /// one that is large enough, else a new one.</summary>
    public DeviceBuffer<T> Rent(ComputeDevice device, long length)
    {
        lock (free)
        {
            if (free.TryGetValue(device, out var buffers) && buffers.Where(b => b.Length >= length).MinBy(b => b.Length) is { } fit)
            {
                buffers.Remove(fit);
                return fit;
            }
        }

        return device.Allocate<T>(length);
    }

    /// <summary>Gives <paramref name="buffer"/> back for the next task on <paramref name="device"/>.</summary>
    public void Return(ComputeDevice device, DeviceBuffer<T> buffer)
    {
        DeviceBuffer<T>? surplus = null;
        lock (free)
        {
            if (!free.TryGetValue(device, out var buffers))
            {
                free[device] = buffers = [];
            }

            buffers.Add(buffer);
            if (buffers.Count > Kept)
            {
                surplus = buffers.MinBy(b => b.Length);
                buffers.Remove(surplus!);
            }
        }

        surplus?.Dispose();
    }

    /// <summary>Frees the buffers kept for <paramref name="device"/>, or for every device when null.</summary>
    public void Release(ComputeDevice? device = null)
    {
        List<DeviceBuffer<T>> freed = [];
        lock (free)
        {
            foreach (var (owner, buffers) in free)
            {
                if (device is null || ReferenceEquals(owner, device))
                {
                    freed.AddRange(buffers);
                    buffers.Clear();
                }
            }
        }

        foreach (DeviceBuffer<T> buffer in freed)
        {
            try
            {
                buffer.Dispose();
            }
            catch (Exception) when (device is not null)
            {
                // A failed device may refuse even this; its memory is gone either way.
            }
        }
    }
}
