using System.Numerics;
using GpuCompute.Data;
using GpuCompute.Scheduling;

namespace GpuCompute.Operations;

/// <summary>
/// C_i ← α·A_i·B_i + β·C_i for every matrix of three batches split alike (arguments validated by the engine): each
/// device multiplies the matrices it holds, without moving data.
/// </summary>
internal static class BatchedGemmOperation
{
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
