using GpuCompute.Client;
using GpuCompute.Scheduling;
using GpuCompute.Service.Api;

namespace GpuCompute.Service.Operations;

/// <summary><c>batched-gemm</c>: C_i ← α·A_i·B_i + β·C_i for every matrix of device-resident batches.</summary>
public sealed class BatchedGemmServiceOperation() : ServiceOperation("batched-gemm")
{
    private const string Batch = "a batch [count, rows, cols]";

    public override OperationShape Plan(JobRequest request, OperandShapes shapes)
    {
        if (request.TransA is not (null or "N") || request.TransB is not (null or "N"))
        {
            throw RequestException.BadRequest("batched-gemm does not transpose: leave transA and transB out (or N).");
        }

        double beta = request.Beta ?? 0;
        long[] a = shapes.Require("a", 3, Batch), b = shapes.Require("b", 3, Batch);
        if (a[0] != b[0])
        {
            throw RequestException.BadRequest($"A has {a[0]} matrices and B has {b[0]}: the batches must have as many.");
        }

        if (a[2] != b[1])
        {
            throw RequestException.BadRequest($"Each A is {a[1]} x {a[2]} and each B is {b[1]} x {b[2]}: A's columns ({a[2]}) must equal B's rows ({b[1]}).");
        }

        long[]? c = shapes.Optional("c", 3, Batch, needed: beta != 0);
        if (c is not null && (c[0] != a[0] || c[1] != a[1] || c[2] != b[2]))
        {
            throw RequestException.BadRequest($"C is {OperandShapes.Format(c)} but the products are [{a[0]}, {a[1]}, {b[2]}].");
        }

        shapes.NoOthers();
        var reads = new Dictionary<string, long[]> { ["a"] = a, ["b"] = b };
        if (beta != 0)
        {
            reads["c"] = c!;
        }

        return new OperationShape(reads, [a[0], a[1], b[2]], 2.0 * a[0] * a[1] * a[2] * b[2]);
    }

    public override async Task<OperationOutcome<T>> RunAsync<T>(
        ComputeEngine engine, OperationArguments<T> arguments, IProgress<double> progress, CancellationToken cancellation)
    {
        long[] sa = arguments.Shape("a"), sb = arguments.Shape("b");
        using var a = engine.UploadBatch<T>(arguments.Values("a"), sa[0], sa[1], sa[2]);
        using var b = engine.UploadBatch<T>(arguments.Values("b"), sb[0], sb[1], sb[2], a.Layout);
        using var c = arguments.Has("c")
            ? engine.UploadBatch<T>(arguments.Values("c"), sa[0], sa[1], sb[2], a.Layout)
            : engine.AllocateBatch<T>(sa[0], sa[1], sb[2], a.Layout);
        var parts = new Progress<GemmProgress>(p => progress.Report(p.TilesTotal == 0 ? 1 : (double)p.TilesDone / p.TilesTotal));
        var engineReport = await engine.GemmBatchedAsync(arguments.Alpha, a, b, arguments.Beta, c, parts, cancellation).ConfigureAwait(false);
        var (report, trace) = EngineReports.From(engineReport);
        return new OperationOutcome<T>(c.ToArray(), [sa[0], sa[1], sb[2]], null, report, trace);
    }
}
