using GpuCompute.Client;

namespace GpuCompute.Service.Operations;

/// <summary><c>cholesky</c>: L with A = L·Lᵀ for a symmetric positive definite A (its lower triangle is read; the
/// result has zeros above the diagonal); <c>cholesky-solve</c>: X with A·X = B, A factored on the way. The engine's
/// tile algorithm, a task graph across its devices.</summary>
public sealed class CholeskyServiceOperation(string name) : ServiceOperation(name)
{
    /// <summary>The names this class runs.</summary>
    public static readonly string[] Names = ["cholesky", "cholesky-solve"];

    private bool Solves => Name == "cholesky-solve";

    public override OperationShape Plan(JobRequest request, OperandShapes shapes)
    {
        long[] a = shapes.RequireSquare("a");
        var reads = new Dictionary<string, long[]> { ["a"] = a };
        double n = a[0], flops = n * n * n / 3;
        long[] result = a;
        if (Solves)
        {
            long[] b = shapes.RequireRightHandSides("b", a);
            reads["b"] = b;
            flops += 2 * n * n * b[1];
            result = b;
        }

        shapes.NoOthers();
        return new OperationShape(reads, result, flops);
    }

    public override Task<OperationOutcome<T>> RunAsync<T>(
        ComputeEngine engine, OperationArguments<T> arguments, IProgress<double> progress, CancellationToken cancellation)
    {
        var a = arguments.Matrix("a");
        var report = engine.Cholesky(a, cancellation);
        if (Solves)
        {
            var b = arguments.Matrix("b");
            var (factored, factorSpans) = EngineReports.From(report);
            var (solved, solveSpans) = EngineReports.From(engine.CholeskySolve(a, b, cancellation));
            var (both, spans) = EngineReports.Then(factored, factorSpans, solved, solveSpans);
            return Task.FromResult(new OperationOutcome<T>(b.Data, [b.Rows, b.Cols], null, both, spans));
        }

        for (int i = 0; i < a.Rows; i++)
        {
            a.Row(i)[(i + 1)..].Clear(); // L is lower-triangular: what A held above the diagonal is not part of it
        }

        var (factorReport, factorTrace) = EngineReports.From(report);
        return Task.FromResult(new OperationOutcome<T>(a.Data, [a.Rows, a.Cols], null, factorReport, factorTrace));
    }
}
