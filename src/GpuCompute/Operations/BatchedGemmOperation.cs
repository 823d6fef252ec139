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

    public static OperationReport Run<T>(T alpha, DeviceMatrixBatch<T> a, DeviceMatrixBatch<T> b, T beta, DeviceMatrixBatch<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        (Action<int, CancellationToken> body, Func<int, string> lost, Func<int, (double, double)> cost) = Parts(alpha, a, b, beta, c);
        return c.Rows == 0 || c.Columns == 0 ? PartExecution.Nothing(c.Layout, Name) : PartExecution.Run(c.Layout, Name, body, lost, cost);
    }

    public static Task<OperationReport> RunAsync<T>(
        T alpha, DeviceMatrixBatch<T> a, DeviceMatrixBatch<T> b, T beta, DeviceMatrixBatch<T> c, IProgress<GemmProgress>? progress, CancellationToken cancellation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        (Action<int, CancellationToken> body, Func<int, string> lost, Func<int, (double, double)> cost) = Parts(alpha, a, b, beta, c);
        return c.Rows == 0 || c.Columns == 0
            ? Task.FromResult(PartExecution.Nothing(c.Layout, Name))
            : PartExecution.RunAsync(c.Layout, Name, body, lost, cost, progress, cancellation);
    }

    private const string Name = "batched GEMM";

    /// <summary>Each part's work (its device multiplies the matrices it holds), what a failure loses, and its flops.</summary>
    private static (Action<int, CancellationToken> Body, Func<int, string> Lost, Func<int, (double, double)> Cost) Parts<T>(
        T alpha, DeviceMatrixBatch<T> a, DeviceMatrixBatch<T> b, T beta, DeviceMatrixBatch<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long m = c.Rows, n = c.Columns, k = a.Columns;
        return (
            (p, _) => c.Layout.Parts[p].Device.GemmBatched(alpha, a.Storage.Part(p), b.Storage.Part(p), beta, c.Storage.Part(p), c.Layout.Parts[p].Count, m, n, k),
            p => c.Layout.DescribePart(p, "matrices", "C"),
            p => (2.0 * c.Layout.Parts[p].Count * m * n * k, 0));
    }
}
