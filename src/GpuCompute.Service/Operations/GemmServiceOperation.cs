using GpuCompute.Client;
using GpuCompute.Scheduling;
using GpuCompute.Service.Api;

namespace GpuCompute.Service.Operations;

/// <summary><c>gemm</c>: C ← α·op(A)·op(B) + β·C on host matrices, split across the engine's devices.</summary>
public sealed class GemmServiceOperation() : ServiceOperation("gemm")
{
    public override OperationShape Plan(JobRequest request, OperandShapes shapes)
    {
        bool transA = Transposes.Parse(request.TransA, "transA"), transB = Transposes.Parse(request.TransB, "transB");
        double beta = request.Beta ?? 0;
        long[] a = shapes.Require("a", 2, "a matrix [rows, cols]"), b = shapes.Require("b", 2, "a matrix [rows, cols]");
        long m = transA ? a[1] : a[0], k = transA ? a[0] : a[1];
        long kb = transB ? b[1] : b[0], n = transB ? b[0] : b[1];
        if (k != kb)
        {
            throw RequestException.BadRequest(
                $"op(A) is {m} x {k} and op(B) is {kb} x {n} (A {OperandShapes.Format(a)}{(transA ? " transposed" : "")}, B {OperandShapes.Format(b)}{(transB ? " transposed" : "")}): op(A)'s columns ({k}) must equal op(B)'s rows ({kb}).");
        }

        long[]? c = shapes.Optional("c", 2, "a matrix [rows, cols]", needed: beta != 0);
        if (c is not null && (c[0] != m || c[1] != n))
        {
            throw RequestException.BadRequest($"C is {c[0]} x {c[1]} but op(A)·op(B) is {m} x {n}.");
        }

        shapes.NoOthers();
        var reads = new Dictionary<string, long[]> { ["a"] = a, ["b"] = b };
        if (beta != 0)
        {
            reads["c"] = c!;
        }

        return new OperationShape(reads, [m, n], 2.0 * m * n * k);
    }

    public override async Task<OperationOutcome<T>> RunAsync<T>(
        ComputeEngine engine, OperationArguments<T> arguments, IProgress<double> progress, CancellationToken cancellation)
    {
        var a = arguments.Matrix("a");
        var b = arguments.Matrix("b");
        int m = arguments.TransA == Matrices.Transpose.None ? a.Rows : a.Cols;
        int n = arguments.TransB == Matrices.Transpose.None ? b.Cols : b.Rows;
        var c = arguments.Has("c") ? arguments.Matrix("c") : new Matrices.HostMatrix<T>(m, n);
        var tiles = new Progress(progress);
        GemmReport report = await engine.GemmAsync(arguments.Alpha, a, arguments.TransA, b, arguments.TransB, arguments.Beta, c, tiles, cancellation)
            .ConfigureAwait(false);
        var (jobReport, trace) = EngineReports.From(report);
        return new OperationOutcome<T>(c.Data, [m, n], null, jobReport, trace);
    }

    /// <summary>Tiles done of all tiles, reported straight through (no synchronization context to post to).</summary>
    private sealed class Progress(IProgress<double> fraction) : IProgress<GemmProgress>
    {
        public void Report(GemmProgress value) => fraction.Report(value.TilesTotal == 0 ? 1 : (double)value.TilesDone / value.TilesTotal);
    }
}
