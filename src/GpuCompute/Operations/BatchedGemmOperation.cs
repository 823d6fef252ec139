using System.Numerics;
using GpuCompute.Data;
using GpuCompute.Matrices;
using GpuCompute.Scheduling;

namespace GpuCompute.Operations;

/// <summary>
/// C_i ← α·A_i·B_i + β·C_i for every matrix of three batches split alike (arguments validated by the engine): each
/// device multiplies the matrices it holds, without moving data.
/// </summary>
internal static class BatchedGemmOperation
{
    /// <summary>Throws unless the batches fit (A_i m × k, B_i k × n, C_i m × n, equal counts, one layout), C is neither
    /// A nor B, and all are of this engine and alive.</summary>
    public static void Check<T>(ComputeEngine engine, DeviceMatrixBatch<T> a, DeviceMatrixBatch<T> b, DeviceMatrixBatch<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        engine.ThrowIfDisposed();
        ScalarType.EnsureSupported<T>();
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(c);
        DataGuard.Usable(engine, a.Storage, nameof(a));
        DataGuard.Usable(engine, b.Storage, nameof(b));
        DataGuard.Usable(engine, c.Storage, nameof(c));
        if (a.Count != c.Count || b.Count != c.Count || a.Columns != b.Rows || a.Rows != c.Rows || b.Columns != c.Columns)
        {
            throw new ArgumentException(
                $"Batched GEMM needs A_i m x k, B_i k x n, C_i m x n and equal counts; got {a.Count} A of {a.Rows} x {a.Columns}, " +
                $"{b.Count} B of {b.Rows} x {b.Columns} and {c.Count} C of {c.Rows} x {c.Columns}.",
                a.Count != c.Count || a.Rows != c.Rows ? nameof(a) : nameof(b));
        }

        if (!a.Layout.Parts.SequenceEqual(c.Layout.Parts) || !b.Layout.Parts.SequenceEqual(c.Layout.Parts))
        {
            throw new ArgumentException(
                $"The batches are split across devices differently (A: {a.Layout}; B: {b.Layout}; C: {c.Layout}): allocate them with the same layout.",
                a.Layout.Parts.SequenceEqual(c.Layout.Parts) ? nameof(b) : nameof(a));
        }

        if (ReferenceEquals(c.Storage, a.Storage) || ReferenceEquals(c.Storage, b.Storage))
        {
            throw new ArgumentException("C must not share memory with A or B: the product reads them while it writes C.", nameof(c));
        }
    }

    public static Task<OperationReport> RunAsync<T>(
        T alpha, DeviceMatrixBatch<T> a, DeviceMatrixBatch<T> b, T beta, DeviceMatrixBatch<T> c, IProgress<GemmProgress>? progress, CancellationToken cancellation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long m = c.Rows, n = c.Columns, k = a.Columns;
        return m == 0 || n == 0
            ? Task.FromResult(PartExecution.Nothing(c.Layout, "batched GEMM"))
            : PartExecution.RunAsync(
                c.Layout,
                "batched GEMM",
                (p, _) => c.Layout.Parts[p].Device.GemmBatched(alpha, a.Storage.Part(p), b.Storage.Part(p), beta, c.Storage.Part(p), c.Layout.Parts[p].Count, m, n, k),
                p => c.Layout.DescribePart(p, "matrices", "C"),
                p => (2.0 * c.Layout.Parts[p].Count * m * n * k, 0),
                progress,
                cancellation);
    }

    public static OperationReport Run<T>(T alpha, DeviceMatrixBatch<T> a, DeviceMatrixBatch<T> b, T beta, DeviceMatrixBatch<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long m = c.Rows, n = c.Columns, k = a.Columns;
        if (m == 0 || n == 0)
        {
            return PartExecution.Nothing(c.Layout, "batched GEMM");
        }

        return PartExecution.Run(
            c.Layout,
            "batched GEMM",
            (p, _) => c.Layout.Parts[p].Device.GemmBatched(alpha, a.Storage.Part(p), b.Storage.Part(p), beta, c.Storage.Part(p), c.Layout.Parts[p].Count, m, n, k),
            p => c.Layout.DescribePart(p, "matrices", "C"),
            p => (2.0 * c.Layout.Parts[p].Count * m * n * k, 0));
    }
}
