using GpuCompute.Client;
using GpuCompute.Scheduling;
using GpuCompute.Service.Api;

namespace GpuCompute.Service.Operations;

/// <summary>The element-wise operations on device-resident vectors: <c>add</c>, <c>subtract</c>, <c>multiply</c>
/// (x ∘ y), <c>axpy</c> (α·x + y), <c>scale</c> (α·x), <c>relu</c>, <c>exp</c>.</summary>
public sealed class ElementwiseServiceOperation(string name) : ServiceOperation(name)
{
    /// <summary>The names this class runs.</summary>
    public static readonly string[] Names = ["add", "subtract", "multiply", "axpy", "scale", "relu", "exp"];

    private bool Binary => Name is "add" or "subtract" or "multiply" or "axpy";

    public override OperationShape Plan(JobRequest request, OperandShapes shapes)
    {
        long[] x = shapes.Require("x", 1, "a vector [length]");
        var reads = new Dictionary<string, long[]> { ["x"] = x };
        if (Binary)
        {
            long[] y = shapes.Require("y", 1, "a vector [length]");
            if (y[0] != x[0])
            {
                throw RequestException.BadRequest($"x has {x[0]} elements and y has {y[0]}: {Name} needs vectors of one length.");
            }

            reads["y"] = y;
        }

        shapes.NoOthers();
        double flops = Name switch { "axpy" => 2.0 * x[0], "exp" => 0, _ => x[0] };
        return new OperationShape(reads, [x[0]], flops);
    }

    public override Task<OperationOutcome<T>> RunAsync<T>(
        ComputeEngine engine, OperationArguments<T> arguments, IProgress<double> progress, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        using var x = engine.UploadVector<T>(arguments.Values("x"));
        using var y = Binary ? engine.UploadVector<T>(arguments.Values("y"), x.Layout) : null;
        using var result = Name == "axpy" ? null : engine.AllocateVector<T>(x.Length, x.Layout);
        OperationReport engineReport = Name switch
        {
            "add" => engine.Add(x, y!, result!),
            "subtract" => engine.Subtract(x, y!, result!),
            "multiply" => engine.PointwiseMultiply(x, y!, result!),
            "axpy" => engine.Axpy(arguments.Alpha, x, y!),
            "scale" => engine.Scale(arguments.Alpha, x, result!),
            "relu" => engine.Relu(x, result!),
            "exp" => engine.Exp(x, result!),
            _ => throw new InvalidOperationException($"{Name} is not element-wise."),
        };
        var (report, trace) = EngineReports.From(engineReport);
        T[] values = (result ?? y!).ToArray();
        return Task.FromResult(new OperationOutcome<T>(values, [x.Length], null, report, trace));
    }
}
