using GpuCompute.Client;
using GpuCompute.Service.Jobs;
using GpuCompute.Service.Storage;
using Microsoft.Net.Http.Headers;

namespace GpuCompute.Service.Api;

/// <summary>Jobs: submit (durable before the 202), list, status, progress as server-sent events, result download
/// (ETag, ranges), timeline, cancel.</summary>
public static class JobEndpoints
{
    private const int MaxIdempotencyKeyLength = 200;

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/jobs", SubmitAsync).WithSummary("Submit a job (202 with Location; Idempotency-Key makes a retry return the same job)");
        api.MapGet("/jobs", List).WithSummary("This key's newest jobs");
        api.MapGet("/jobs/{id}", Get).WithSummary("A job's status");
        api.MapGet("/jobs/{id}/events", Events).WithSummary("A job's progress as server-sent events (resumable with Last-Event-ID)");
        api.MapGet("/jobs/{id}/result", Result).WithSummary("A finished job's result: little-endian elements, row-major (ETag, range requests)");
        api.MapGet("/jobs/{id}/trace", Trace).WithSummary("A finished job's timeline: one span per tile or part, per device");
        api.MapDelete("/jobs/{id}", Cancel).WithSummary("Cancel a queued or running job");
    }

    private static async Task<IResult> SubmitAsync(HttpContext context, JobValidator validator, JobStore store, JobRunner runner)
    {
        string key = context.KeyId();
        var job = validator.Validate(key, await context.Request.ReadJsonAsync<JobRequest>().ConfigureAwait(false), synchronous: false);
        string? idempotencyKey = context.Request.Headers["Idempotency-Key"];
        if (idempotencyKey is { Length: 0 or > MaxIdempotencyKeyLength })
        {
            throw RequestException.BadRequest($"The Idempotency-Key header must have 1 to {MaxIdempotencyKeyLength} characters; it has {idempotencyKey.Length}.");
        }

        runner.Reserve();
        (JobRow row, bool created, bool sameRequest) stored;
        try
        {
            stored = store.Insert(new JobStore.NewJob(key, idempotencyKey, job.RequestHash, job.RequestJson, job.Operation.Name, job.Request.Precision, job.Shape.Flops));
        }
        catch
        {
            runner.Release();
            throw;
        }

        if (!stored.created)
        {
            runner.Release();
            if (!stored.sameRequest)
            {
                throw new RequestException(
                    StatusCodes.Status422UnprocessableEntity, "Idempotency key reused",
                    $"Idempotency-Key '{idempotencyKey}' was used for job {stored.row.Id} with a different request.");
            }
        }
        else
        {
            runner.Enqueue(stored.row);
        }

        return TypedResults.Accepted($"/v1/jobs/{stored.row.Id}", stored.row.ToStatus());
    }

    private static IResult List(HttpContext context, JobStore store, int? limit)
    {
        int take = limit ?? 50;
        if (take is < 1 or > 1000)
        {
            throw RequestException.BadRequest($"limit is {take}; it must be 1 to 1000.");
        }

        return TypedResults.Ok(store.List(context.KeyId(), take).Select(j => j.ToStatus()).ToArray());
    }

    private static IResult Get(string id, HttpContext context, JobStore store) => TypedResults.Ok(Find(id, context, store).ToStatus());

    private static IResult Events(string id, HttpContext context, JobStore store, JobEvents events)
    {
        var job = Find(id, context, store);
        string? lastEventId = context.Request.Headers["Last-Event-ID"];
        return TypedResults.ServerSentEvents(events.Follow(job.ToStatus(), lastEventId, context.RequestAborted));
    }

    private static IResult Result(string id, HttpContext context, JobStore store, ResultStore results)
    {
        var job = Find(id, context, store);
        if (job.State != JobState.Succeeded || job.Result is null)
        {
            throw new RequestException(StatusCodes.Status409Conflict, "No result yet", $"Job {id} is {job.State}; only a succeeded job has a result.");
        }

        return TypedResults.PhysicalFile(
            results.PathOf(id), "application/octet-stream", lastModified: job.Finished,
            entityTag: new EntityTagHeaderValue($"\"{job.Result.ETag}\""), enableRangeProcessing: true);
    }

    private static IResult Trace(string id, HttpContext context, JobStore store)
    {
        var job = Find(id, context, store);
        var trace = store.Trace(context.KeyId(), id)
            ?? throw new RequestException(StatusCodes.Status409Conflict, "No trace yet", $"Job {id} is {job.State}; only a succeeded job has a trace.");
        return TypedResults.Ok(trace);
    }

    private static IResult Cancel(string id, HttpContext context, JobRunner runner) => TypedResults.Ok(runner.Cancel(context.KeyId(), id));

    private static JobRow Find(string id, HttpContext context, JobStore store) =>
        store.Find(context.KeyId(), id) ?? throw RequestException.NotFound($"No job {id} for this key.");
}
