using GpuCompute.Client;

namespace GpuCompute.Service.Operations;

/// <summary><c>transpose</c>: Aᵀ of a device-resident matrix.</summary>
public sealed class TransposeServiceOperation() : ServiceOperation("transpose")
{
    public override OperationShape Plan(JobRequest request, OperandShapes shapes)
    {
        long[] a = shapes.Require("a", 2, "a matrix [rows, cols]");
        shapes.NoOthers();
        return new OperationShape(new Dictionary<string, long[]> { ["a"] = a }, [a[1], a[0]], 0);
    }

    public override Task<OperationOutcome<T>> RunAsync<T>(
        ComputeEngine engine, OperationArguments<T> arguments, IProgress<double> progress, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        long[] shape = arguments.Shape("a");
        using var a = arguments.UploadMatrix(engine, "a");
        using var t = engine.AllocateMatrix<T>(shape[1], shape[0]);
        var (report, trace) = EngineReports.From(engine.Transpose(a, t));
        return Task.FromResult(new OperationOutcome<T>(t.ToArray(), [shape[1], shape[0]], null, report, trace));
    }
}
