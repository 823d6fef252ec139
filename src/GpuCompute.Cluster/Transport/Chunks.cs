using System.IO.Hashing;
using System.Runtime.InteropServices;
using GpuCompute.Cluster.Contracts;
using GpuCompute.Matrices;
using Orleans.Concurrency;

namespace GpuCompute.Cluster.Transport;

/// <summary>
/// How panels and results cross the cluster: row-major elements cut into chunks of at most
/// <see cref="DefaultChunkBytes"/> (4 MiB; Orleans tears down the whole silo connection on a message over its 100 MB
/// limit, so no chunk may come near it), each with its XxHash64, gathered straight from the strided host view into the
/// message's bytes and scattered straight back (one copy each way).
/// </summary>
internal static class Chunks
{
    /// <summary>The default chunk size.</summary>
    public const int DefaultChunkBytes = 4 << 20;

    /// <summary>The largest chunk allowed: well under Orleans' 100 MB message limit, headers included.</summary>
    public const int MaxChunkBytes = 64 << 20;

    /// <summary>Throws unless <paramref name="chunkBytes"/> is a usable chunk size, naming the limit.</summary>
    public static void CheckSize(int chunkBytes, string parameter)
    {
        if (chunkBytes < 64 || chunkBytes > MaxChunkBytes)
        {
            throw new ArgumentOutOfRangeException(
                parameter, $"A chunk must be 64 bytes to {MaxChunkBytes} bytes (Orleans drops the connection over 100 MB); got {chunkBytes}.");
        }
    }

    /// <summary>The checksum carried with every chunk.</summary>
    public static ulong Checksum(ReadOnlySpan<byte> bytes) => XxHash64.HashToUInt64(bytes);

    /// <summary>Throws when <paramref name="bytes"/> do not match <paramref name="checksum"/>, naming what arrived corrupt.</summary>
    public static void Verify(ReadOnlySpan<byte> bytes, ulong checksum, string what)
    {
        ulong actual = Checksum(bytes);
        if (actual != checksum)
        {
            throw new InvalidDataException($"{what} arrived corrupt: checksum {actual:x16}, sent {checksum:x16} ({bytes.Length} bytes).");
        }
    }

    /// <summary>The number of chunks for <paramref name="bytes"/> at <paramref name="chunkBytes"/> (whole elements per chunk).</summary>
    public static int Count(long bytes, int elementBytes, int chunkBytes)
    {
        long per = ElementsPerChunk(elementBytes, chunkBytes);
        long elements = bytes / elementBytes;
        return (int)Math.Max(1, (elements + per - 1) / per);
    }

    /// <summary>Chunk <paramref name="index"/> of the row-major elements of <paramref name="view"/>.</summary>
    public static (long Offset, byte[] Bytes) Gather<T>(HostMatrix<T> view, int index, int chunkBytes)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        long per = ElementsPerChunk(size, chunkBytes), total = (long)view.Rows * view.Cols;
        long first = index * per, count = Math.Min(per, total - first);
        var bytes = new byte[count * size];
        Span<T> target = MemoryMarshal.Cast<byte, T>(bytes.AsSpan());
        for (long done = 0; done < count;)
        {
            long element = first + done;
            int row = (int)(element / view.Cols), col = (int)(element % view.Cols);
            int run = (int)Math.Min(view.Cols - col, count - done);
            view.Row(row).Slice(col, run).CopyTo(target.Slice((int)done, run));
            done += run;
        }

        return (first * size, bytes);
    }

    /// <summary>Writes a chunk's bytes (from byte <paramref name="offset"/> of the row-major elements) into <paramref name="view"/>.</summary>
    public static void Scatter<T>(ReadOnlySpan<byte> bytes, long offset, HostMatrix<T> view)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        if (offset % size != 0 || bytes.Length % size != 0 || offset + bytes.Length > (long)view.Rows * view.Cols * size)
        {
            throw new InvalidDataException($"A chunk of {bytes.Length} bytes at {offset} does not fit a {view.Rows} x {view.Cols} block of {size}-byte elements.");
        }

        ReadOnlySpan<T> source = MemoryMarshal.Cast<byte, T>(bytes);
        long first = offset / size;
        for (int done = 0; done < source.Length;)
        {
            long element = first + done;
            int row = (int)(element / view.Cols), col = (int)(element % view.Cols);
            int run = Math.Min(view.Cols - col, source.Length - done);
            source.Slice(done, run).CopyTo(view.Row(row).Slice(col, run));
            done += run;
        }
    }

    /// <summary>Every chunk of <paramref name="view"/> as a panel's chunks.</summary>
    public static IEnumerable<PanelChunk> Panel<T>(PanelKey key, HostMatrix<T> view, int chunkBytes)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int count = Count(key.Bytes, key.ElementBytes, chunkBytes);
        for (int i = 0; i < count; i++)
        {
            (long offset, byte[] bytes) = Gather(view, i, chunkBytes);
            yield return new PanelChunk(key, i, count, offset, new Immutable<byte[]>(bytes), Checksum(bytes));
        }
    }

    private static long ElementsPerChunk(int elementBytes, int chunkBytes) => Math.Max(1, chunkBytes / elementBytes);
}
