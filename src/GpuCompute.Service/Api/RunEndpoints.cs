using System.Numerics;
using GpuCompute.Client;
using GpuCompute.Service.Jobs;
using GpuCompute.Service.Storage;

namespace GpuCompute.Service.Api;

/// <summary>Small operations in one request, and the engine's devices.</summary>
public static class RunEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/run", RunAsync).WithSummary("Run a small operation now and return its result (larger ones: submit a job)");
        api.MapGet("/devices", Devices).WithSummary("The engine's devices");
    }

    private static async Task<IResult> RunAsync(HttpContext context, JobValidator validator, OperandStore operands, ComputeEngine engine)
    {
        var job = validator.Validate(context.KeyId(), await context.Request.ReadJsonAsync<JobRequest>().ConfigureAwait(false), synchronous: true);
        var result = job.Request.Precision == "f64"
            ? await ExecuteAsync<double>(job, operands, engine, context.RequestAborted).ConfigureAwait(false)
            : await ExecuteAsync<float>(job, operands, engine, context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Ok(result);
    }

    private static async Task<RunResult> ExecuteAsync<T>(ValidatedJob job, OperandStore operands, ComputeEngine engine, CancellationToken cancellation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var arguments = JobRunner.Load<T>(job.Request, job.Shape, operands);
        var outcome = await Task.Run(() => job.Operation.RunAsync(engine, arguments, new Progress<double>(), cancellation), cancellation).ConfigureAwait(false);
        return new RunResult
        {
            Shape = outcome.Shape,
            Values = [.. outcome.Values.Select(double.CreateTruncating)],
            Index = outcome.Index,
            Report = outcome.Report,
        };
    }

    private static IResult Devices(ComputeEngine engine) =>
        TypedResults.Ok(engine.Devices.Select(d => new DeviceInfo(d.Id, d.Name, d.Kind.ToString(), d.MemoryBytes)).ToArray());
}
