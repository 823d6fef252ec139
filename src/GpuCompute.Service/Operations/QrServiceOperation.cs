using GpuCompute.Client;
using GpuCompute.Service.Api;

namespace GpuCompute.Service.Operations;

/// <summary><c>least-squares</c>: X minimizing ‖A·X − B‖ for A (m × n, m ≥ n, full rank) and B (m × r), by the
/// engine's tile Householder QR.</summary>
public sealed class QrServiceOperation() : ServiceOperation("least-squares")
{
    public override OperationShape Plan(JobRequest request, OperandShapes shapes)
    {
        long[] a = shapes.Require("a", 2, "a matrix [m, n] with m ≥ n");
        if (a[0] < a[1])
        {
            throw RequestException.BadRequest($"least-squares needs at least as many rows as columns; A is {a[0]} x {a[1]}.");
        }

        long[] b = shapes.Require("b", 2, "a matrix [m, right-hand sides]");
        if (b[0] != a[0])
        {
            throw RequestException.BadRequest($"A is {a[0]} x {a[1]} but B has {b[0]} rows: B needs one row per row of A.");
        }

        shapes.NoOthers();
        double m = a[0], n = a[1];
        return new OperationShape(new Dictionary<string, long[]> { ["a"] = a, ["b"] = b }, [a[1], b[1]], (2 * m * n * n) - (2 * n * n * n / 3) + (4 * m * n * b[1]));
    }

    public override Task<OperationOutcome<T>> RunAsync<T>(
        ComputeEngine engine, OperationArguments<T> arguments, IProgress<double> progress, CancellationToken cancellation)
    {
        var x = engine.LeastSquares(arguments.Matrix("a"), arguments.Matrix("b"), out var engineReport, cancellation);
        var (report, trace) = EngineReports.From(engineReport);
        return Task.FromResult(new OperationOutcome<T>(x.Data, [x.Rows, x.Cols], null, report, trace));
    }
}
