using GpuCompute.Kernels.LinearAlgebra;
using GpuCompute.Matrices;

namespace GpuCompute.Backends.Cpu;

/// <summary>The CPU device's primitives on its device-resident parts: SIMD code over the parts' pinned arrays, chunks
/// on the device's threads.</summary>
public sealed partial class CpuDevice
{
    internal override void Map<T, TOperator>(DeviceBuffer<T> x, DeviceBuffer<T> result, TOperator op) =>
        CpuElementwise.Map(Array(x), Array(result), op, Threads);

    internal override void Zip<T, TOperator>(DeviceBuffer<T> x, DeviceBuffer<T> y, DeviceBuffer<T> result, TOperator op) =>
        CpuElementwise.Zip(Array(x), Array(y), Array(result), op, Threads);

    internal override void Zip<T, TOperator>(DeviceBuffer<T> x, DeviceBuffer<T> y, DeviceBuffer<T> z, DeviceBuffer<T> result, TOperator op) =>
        CpuElementwise.Zip(Array(x), Array(y), Array(z), Array(result), op, Threads);

    internal override void Fill<T>(T value, DeviceBuffer<T> result) => CpuElementwise.Fill(value, Array(result), Threads);

    internal override void Copy<T>(DeviceBuffer<T> x, DeviceBuffer<T> result)
    {
        if (!ReferenceEquals(x, result))
        {
            CpuElementwise.Copy(Array(x), Array(result), Threads);
        }
    }

    internal override double Reduce<T>(ReductionKind kind, DeviceBuffer<T> x, DeviceBuffer<T>? y, double scale) =>
        CpuReductions.Reduce(kind, Array(x), y is null ? null : Array(y), T.CreateTruncating(scale), Threads);

    internal override (T Value, long Index) Extreme<T>(DeviceBuffer<T> x, bool max) => CpuReductions.Extreme(Array(x), max, Threads);

    internal override void Gemv<T>(T alpha, DeviceBuffer<T> a, long columns, DeviceBuffer<T> x, T beta, DeviceBuffer<T> y) =>
        CpuGemv.Run(alpha, Array(a), Array(x), (int)columns, beta, Array(y), Threads);

    internal override void Transpose<T>(DeviceBuffer<T> source, DeviceBuffer<T> destination, TransposeArguments block) =>
        TransposeFromHost(Array(source), destination, block);

    internal override void TransposeFromHost<T>(T[] source, DeviceBuffer<T> destination, TransposeArguments block) =>
        CpuTranspose.Run(source, block.SourceOffset, block.SourceStride, Array(destination), block.DestinationOffset, block.DestinationStride, block.Rows, block.Columns, Threads);

    /// <summary>Small matrices (m·n·k up to <see cref="CpuBatchedGemm.DirectLimit"/>) go to the register-blocked
    /// <see cref="CpuBatchedGemm"/> kernels, which work in place with no per-call setup. Larger ones are
    /// <see cref="HostMatrix{T}"/> views into the part's memory (no copy) multiplied by <see cref="CpuGemm"/>, whose
    /// packing pays at that size; matrices run in parallel over the device's threads, one thread each (more when there
    /// are fewer matrices than threads).</summary>
    internal override void GemmBatched<T>(T alpha, DeviceBuffer<T> a, DeviceBuffer<T> b, T beta, DeviceBuffer<T> c, long count, long m, long n, long k)
    {
        T[] aa = Array(a), bb = Array(b), cc = Array(c);
        int batch = (int)count, rows = (int)m, cols = (int)n, depth = (int)k;
        if (m * n * k <= CpuBatchedGemm.DirectLimit)
        {
            CpuBatchedGemm.Multiply(alpha, aa, bb, beta, cc, batch, rows, cols, depth, Threads);
            return;
        }

        int threadsPerMatrix = Math.Max(1, Threads / Math.Max(1, batch));
        int sizeA = rows * depth, sizeB = depth * cols, sizeC = rows * cols;
        Parallel.For(0, batch, new ParallelOptions { MaxDegreeOfParallelism = Threads }, i =>
        {
            var ai = new HostMatrix<T>(aa, rows, depth, Math.Max(1, depth), i * sizeA);
            var bi = new HostMatrix<T>(bb, depth, cols, Math.Max(1, cols), i * sizeB);
            var ci = new HostMatrix<T>(cc, rows, cols, Math.Max(1, cols), i * sizeC);
            CpuGemm.Multiply(alpha, ai, Matrices.Transpose.None, bi, Matrices.Transpose.None, beta, ci, threadsPerMatrix);
        });
    }
}
