using GpuCompute.Client;
using GpuCompute.Service.Api;

namespace GpuCompute.Service.Operations;

/// <summary><c>gemv</c>: y ← α·A·x + β·y on device-resident data (A's rows split across the devices).</summary>
public sealed class GemvServiceOperation() : ServiceOperation("gemv")
{
    public override OperationShape Plan(JobRequest request, OperandShapes shapes)
    {
        double beta = request.Beta ?? 0;
        long[] a = shapes.Require("a", 2, "a matrix [rows, cols]"), x = shapes.Require("x", 1, "a vector [length]");
        if (x[0] != a[1])
        {
            throw RequestException.BadRequest($"A is {a[0]} x {a[1]} but x has {x[0]} elements: x must have A's column count ({a[1]}).");
        }

        long[]? y = shapes.Optional("y", 1, "a vector [length]", needed: beta != 0);
        if (y is not null && y[0] != a[0])
        {
            throw RequestException.BadRequest($"A is {a[0]} x {a[1]} but y has {y[0]} elements: y must have A's row count ({a[0]}).");
        }

        shapes.NoOthers();
        var reads = new Dictionary<string, long[]> { ["a"] = a, ["x"] = x };
        if (beta != 0)
        {
            reads["y"] = y!;
        }

        return new OperationShape(reads, [a[0]], 2.0 * a[0] * a[1]);
    }

    public override Task<OperationOutcome<T>> RunAsync<T>(
        ComputeEngine engine, OperationArguments<T> arguments, IProgress<double> progress, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        long[] shape = arguments.Shape("a");
        using var a = arguments.UploadMatrix(engine, "a");
        using var x = engine.UploadVector<T>(arguments.Values("x"));
        using var y = arguments.Has("y") ? engine.UploadVector<T>(arguments.Values("y"), a.Layout) : engine.AllocateVector<T>(shape[0], a.Layout);
        var (report, trace) = EngineReports.From(engine.Gemv(arguments.Alpha, a, x, arguments.Beta, y));
        return Task.FromResult(new OperationOutcome<T>(y.ToArray(), [shape[0]], null, report, trace));
    }
}
