using System.Runtime.InteropServices;

namespace GpuCompute.Backends.Cpu;

/// <summary>
/// A 64-byte aligned native scratch buffer for packed GEMM panels, recycled through a small process-wide pool so that
/// steady-state GEMM calls allocate no pack memory. Rent, use on one thread, return.
/// </summary>
internal sealed unsafe class CpuPackBuffer : IDisposable
{
    // Cache-line (and zmm) alignment: aligned vector loads from packed panels never split a line.
    private const nuint Alignment = 64;

    // Enough for every worker of a few concurrent GEMM calls; extra returned buffers are freed instead of kept.
    private static readonly int PoolLimit = Math.Max(4, 2 * Environment.ProcessorCount);
    private static readonly Stack<CpuPackBuffer> Pool = new();
    private static readonly Lock PoolLock = new();

    private void* _memory;
    private nuint _bytes;

    private CpuPackBuffer()
    {
    }

    ~CpuPackBuffer() => Free();

    /// <summary>Start of the buffer, 64-byte aligned.</summary>
    public void* Pointer => _memory;

    /// <summary>A pooled buffer of at least <paramref name="bytes"/> bytes (contents undefined).</summary>
    public static CpuPackBuffer Rent(nuint bytes)
    {
        CpuPackBuffer? buffer = null;
        lock (PoolLock)
        {
            Pool.TryPop(out buffer);
        }

        buffer ??= new CpuPackBuffer();
        if (buffer._bytes < bytes)
        {
            buffer.Free();
            buffer._memory = NativeMemory.AlignedAlloc(bytes, Alignment);
            buffer._bytes = bytes;
        }

        return buffer;
    }

    /// <summary>Gives the buffer back to the pool (or frees it when the pool is full).</summary>
    public void Return()
    {
        lock (PoolLock)
        {
            if (Pool.Count < PoolLimit)
            {
                Pool.Push(this);
                return;
            }
        }

        Dispose();
    }

    /// <summary>Frees the native memory now.</summary>
    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    private void Free()
    {
        if (_memory != null)
        {
            NativeMemory.AlignedFree(_memory);
            _memory = null;
            _bytes = 0;
        }
    }
}
