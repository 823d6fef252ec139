using System.Diagnostics;
using System.Numerics.Tensors;

namespace GpuCompute.Bench.Baselines;

/// <summary>
/// The machine's memory bandwidth as STREAM measures it: the triad a = b + s·c over float arrays far larger than the
/// caches, split across threads, counting 3 × 4 bytes per element (two reads, one write; write-allocate traffic not
/// counted). The yardstick for memory-bound operations; time it interleaved with what it is compared to.
/// </summary>
internal sealed class StreamTriad
{
    private const int Chunk = 1 << 16;
    private readonly float[] a, b, c;
    private readonly ParallelOptions options;

    public StreamTriad(long elements, int threads)
    {
        int n = (int)Math.Clamp(elements, 1, Array.MaxLength);
        a = new float[n];
        b = new float[n];
        c = new float[n];
        Array.Fill(b, 1f);
        Array.Fill(c, 2f);
        options = new ParallelOptions { MaxDegreeOfParallelism = threads };
        RunSeconds(); // touch the pages
    }

    /// <summary>Bytes one run moves by STREAM's count.</summary>
    public double Bytes => 12.0 * a.Length;

    /// <summary>Runs the triad once; returns its seconds.</summary>
    public double RunSeconds()
    {
        int chunks = (a.Length + Chunk - 1) / Chunk;
        long start = Stopwatch.GetTimestamp();
        Parallel.For(0, chunks, options, i =>
        {
            int from = i * Chunk, length = Math.Min(Chunk, a.Length - from);
            TensorPrimitives.MultiplyAdd(c.AsSpan(from, length), 3f, b.AsSpan(from, length), a.AsSpan(from, length));
        });
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }
}
