using GpuCompute.Client;
using GpuCompute.Scheduling;
using GpuCompute.Service.Api;

namespace GpuCompute.Service.Operations;

/// <summary>The reductions of device-resident vectors: <c>sum</c>, <c>asum</c> (Σ|x|), <c>nrm2</c> (‖x‖₂), <c>amax</c>
/// (max |x|), <c>dot</c> (x·y), and <c>imax</c>/<c>imin</c> (the largest/smallest element and its index).</summary>
public sealed class ReductionServiceOperation(string name) : ServiceOperation(name)
{
    /// <summary>The names this class runs.</summary>
    public static readonly string[] Names = ["sum", "asum", "nrm2", "amax", "dot", "imax", "imin"];

    public override OperationShape Plan(JobRequest request, OperandShapes shapes)
    {
        long[] x = shapes.Require("x", 1, "a vector [length]");
        var reads = new Dictionary<string, long[]> { ["x"] = x };
        if (Name == "dot")
        {
            long[] y = shapes.Require("y", 1, "a vector [length]");
            if (y[0] != x[0])
            {
                throw RequestException.BadRequest($"x has {x[0]} elements and y has {y[0]}: dot needs vectors of one length.");
            }

            reads["y"] = y;
        }

        if (Name is "imax" or "imin" && x[0] == 0)
        {
            throw RequestException.BadRequest($"{Name} of an empty vector has no answer: x has 0 elements.");
        }

        shapes.NoOthers();
        return new OperationShape(reads, [], Name is "dot" or "nrm2" ? 2.0 * x[0] : x[0]);
    }

    public override Task<OperationOutcome<T>> RunAsync<T>(
        ComputeEngine engine, OperationArguments<T> arguments, IProgress<double> progress, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        using var x = engine.UploadVector<T>(arguments.Values("x"));
        using var y = Name == "dot" ? engine.UploadVector<T>(arguments.Values("y"), x.Layout) : null;
        OperationReport engineReport;
        long? index = null;
        T value;
        switch (Name)
        {
            case "sum": value = engine.Sum(x, out engineReport); break;
            case "asum": value = engine.Norm1(x, out engineReport); break;
            case "nrm2": value = engine.Norm2(x, out engineReport); break;
            case "amax": value = engine.NormInf(x, out engineReport); break;
            case "dot": value = engine.Dot(x, y!, out engineReport); break;
            case "imax" or "imin":
                var found = Name == "imax" ? engine.Max(x, out engineReport) : engine.Min(x, out engineReport);
                (value, index) = (found.Value, found.Index);
                break;
            default: throw new InvalidOperationException($"{Name} is not a reduction.");
        }

        var (report, trace) = EngineReports.From(engineReport);
        return Task.FromResult(new OperationOutcome<T>([value], [], index, report, trace));
    }
}
