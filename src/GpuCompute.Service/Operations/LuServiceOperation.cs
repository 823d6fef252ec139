using GpuCompute.Client;

namespace GpuCompute.Service.Operations;

/// <summary><c>solve</c>: X with A·X = B for a square A, by LU with partial pivoting; <c>inverse</c>: A⁻¹;
/// <c>determinant</c>: det(A) (a scalar result). The engine's tile LU, a task graph across its devices.</summary>
public sealed class LuServiceOperation(string name) : ServiceOperation(name)
{
    /// <summary>The names this class runs.</summary>
    public static readonly string[] Names = ["solve", "inverse", "determinant"];

    public override OperationShape Plan(JobRequest request, OperandShapes shapes)
    {
        long[] a = shapes.RequireSquare("a");
        double n = a[0], flops = 2 * n * n * n / 3;
        var reads = new Dictionary<string, long[]> { ["a"] = a };
        long[] result = Name == "determinant" ? [] : a;
        if (Name == "solve")
        {
            long[] b = shapes.RequireRightHandSides("b", a);
            reads["b"] = b;
            flops += 2 * n * n * b[1];
            result = b;
        }
        else if (Name == "inverse")
        {
            flops += 2 * n * n * n;
        }

        shapes.NoOthers();
        return new OperationShape(reads, result, flops);
    }

    public override Task<OperationOutcome<T>> RunAsync<T>(
        ComputeEngine engine, OperationArguments<T> arguments, IProgress<double> progress, CancellationToken cancellation)
    {
        var a = arguments.Matrix("a");
        int n = a.Rows;
        var pivots = new int[n];
        var (report, trace) = EngineReports.From(engine.Lu(a, pivots, cancellation));
        if (Name == "determinant")
        {
            return Task.FromResult(new OperationOutcome<T>([ComputeEngine.LuDeterminant(a, pivots)], [], null, report, trace));
        }

        var b = Name == "solve" ? arguments.Matrix("b") : Identity<T>(n);
        var (solved, solveTrace) = EngineReports.From(engine.LuSolve(a, pivots, b, cancellation));
        var (both, spans) = EngineReports.Then(report, trace, solved, solveTrace);
        return Task.FromResult(new OperationOutcome<T>(b.Data, [b.Rows, b.Cols], null, both, spans));
    }

    private static Matrices.HostMatrix<T> Identity<T>(int n)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var identity = new Matrices.HostMatrix<T>(n, n);
        for (int i = 0; i < n; i++)
        {
            identity[i, i] = T.One;
        }

        return identity;
    }
}
