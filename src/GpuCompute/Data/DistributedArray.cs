using GpuCompute.Backends;

namespace GpuCompute.Data;

/// <summary>
/// The storage behind every device-resident type: <see cref="DataLayout.Count"/> items of <see cref="ItemSize"/>
/// elements, each device's run of items in one block of that device's memory.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
internal sealed class DistributedArray<T> : IDisposable
    where T : unmanaged
{
    private readonly DeviceBuffer<T>[] parts;
    private int disposed;

    public DistributedArray(DataLayout layout, long itemSize)
    {
        Layout = layout;
        ItemSize = itemSize;
        parts = new DeviceBuffer<T>[layout.Parts.Count];
        try
        {
            for (int p = 0; p < parts.Length; p++)
            {
                parts[p] = layout.Parts[p].Device.Allocate<T>(checked(layout.Parts[p].Count * itemSize));
            }
        }
        catch
        {
            Array.ForEach(parts, part => part?.Dispose());
            throw;
        }
    }

    public DataLayout Layout { get; }

    /// <summary>Elements per item (1 for a vector, the columns for a matrix, rows × columns for a batch).</summary>
    public long ItemSize { get; }

    /// <summary>Total elements.</summary>
    public long Length => Layout.Count * ItemSize;

    public bool IsDisposed => Volatile.Read(ref disposed) != 0;

    /// <summary>Part <paramref name="index"/>'s memory (same order as <see cref="DataLayout.Parts"/>).</summary>
    public DeviceBuffer<T> Part(int index)
    {
        ThrowIfUnusable();
        return parts[index];
    }

    /// <summary>The global element index where part <paramref name="index"/> starts.</summary>
    public long FirstElement(int index) => Layout.Parts[index].First * ItemSize;

    /// <summary>Copies all elements from the host, part by part (in parallel across devices). Blocks.</summary>
    public void CopyFromHost(ReadOnlySpan<T> source)
    {
        ThrowIfUnusable();
        for (int p = 0; p < parts.Length; p++)
        {
            parts[p].CopyFromHost(source.Slice((int)FirstElement(p), (int)parts[p].Length), 0);
        }
    }

    /// <summary>Copies all elements to the host. Blocks.</summary>
    public void CopyToHost(Span<T> destination)
    {
        ThrowIfUnusable();
        for (int p = 0; p < parts.Length; p++)
        {
            parts[p].CopyToHost(0, destination.Slice((int)FirstElement(p), (int)parts[p].Length));
        }
    }

    /// <summary>
    /// Every element on <paramref name="device"/>: the array's own part when it lives wholly there, otherwise a copy
    /// gathered from every part (device to device where they can, else through the host), freed with the loan.
    /// </summary>
    public Borrowed<T> Whole(ComputeDevice device)
    {
        ThrowIfUnusable();
        return parts.Length == 1 && Layout.Parts[0].Device == device
            ? new Borrowed<T>(parts[0], owned: false)
            : new Borrowed<T>(Gather(device, 0, Length), owned: true);
    }

    /// <summary>A new buffer on <paramref name="device"/> holding global elements [<paramref name="start"/>, start +
    /// <paramref name="length"/>), copied from whichever parts hold them. The caller disposes it.</summary>
    public DeviceBuffer<T> Gather(ComputeDevice device, long start, long length)
    {
        ThrowIfUnusable();
        DeviceBuffer<T> copy = device.Allocate<T>(length);
        try
        {
            long end = start + length;
            for (int p = 0; p < parts.Length; p++)
            {
                long first = FirstElement(p), last = first + parts[p].Length;
                long from = Math.Max(first, start), to = Math.Min(last, end);
                if (to > from)
                {
                    parts[p].CopyTo(from - first, copy, from - start, to - from);
                }
            }

            return copy;
        }
        catch
        {
            copy.Dispose();
            throw;
        }
    }

    /// <summary>Throws if this array, or the engine whose devices hold it, has been disposed.</summary>
    public void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (Layout.Owner.IsDisposed)
        {
            throw new ObjectDisposedException(nameof(ComputeEngine), "The engine holding this device-resident data has been disposed, and the data with it.");
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            Array.ForEach(parts, part => part.Dispose());
        }
    }
}
