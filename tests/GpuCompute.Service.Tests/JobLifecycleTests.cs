using System.Diagnostics.Metrics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net;
using GpuCompute.Client;
using NUnit.Framework;

namespace GpuCompute.Service.Tests;

/// <summary>A job from submit to download: 202 with Location, idempotent retries, progress events resumable by
/// Last-Event-ID, ETag and range downloads, the timeline, cancellation, and the queue cap.</summary>
[TestFixture]
public sealed class JobLifecycleTests
{
    private ServiceFactory factory = null!;

    [OneTimeSetUp]
    public void Start() => factory = new ServiceFactory();

    [OneTimeTearDown]
    public void Stop() => factory.Dispose();

    private static JobRequest Small(int n = 40, int seed = 1) =>
        Requests.Gemm(OperandRef.Inline(Requests.Random(n * n, seed), n, n), OperandRef.Inline(Requests.Random(n * n, seed + 1), n, n));

    private static async Task<JobRequest> LargeAsync(GpuComputeClient client, int n)
    {
        var a = await client.UploadAsync<float>(new float[n * n].Select((_, i) => (float)((i % 7) - 3)).ToArray());
        return Requests.Gemm(OperandRef.Uploaded(a.Id, n, n), OperandRef.Uploaded(a.Id, n, n));
    }

    [Test]
    public async Task Submit_Is202WithLocation_AndStoredBeforeTheAnswer()
    {
        var http = factory.Http(factory.CreateKey());
        using var response = await http.PostAsJsonAsync("/v1/jobs", Small());
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        var status = await response.Content.ReadFromJsonAsync<JobStatus>();
        Assert.That(response.Headers.Location?.ToString(), Is.EqualTo($"/v1/jobs/{status!.Id}"));
        Assert.That(status.State, Is.AnyOf(JobState.Queued, JobState.Running, JobState.Succeeded));
        using var get = await http.GetAsync(response.Headers.Location);
        Assert.That(get.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task RetriedSubmit_WithSameIdempotencyKey_ReturnsTheSameJob()
    {
        var client = factory.Client();
        var request = Small(seed: 4);
        var first = await client.SubmitAsync(request, "order-17");
        var again = await client.SubmitAsync(request, "order-17");
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.SubmitAsync(request, "order-18")));
        Assert.That(again.Id, Is.EqualTo(first.Id));
        Assert.That(concurrent.Select(j => j.Id).Distinct().Count(), Is.EqualTo(1));
        Assert.That(await client.ListJobsAsync(), Has.Count.EqualTo(2));

        var error = Assert.ThrowsAsync<GpuComputeServiceException>(() => client.SubmitAsync(Small(seed: 5), "order-17"));
        Assert.That(error!.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
        Assert.That(error.Detail, Does.Contain(first.Id));
    }

    [Test]
    public async Task Events_EndWithFinalState_AndResumeAfterLastEventId()
    {
        var client = factory.Client();
        var job = await client.SubmitAsync(await LargeAsync(client, 1500));
        var events = new List<JobEvent>();
        await foreach (var e in client.WatchAsync(job.Id))
        {
            events.Add(e);
        }

        Assert.That(events[^1].Status.State, Is.EqualTo(JobState.Succeeded));
        Assert.That(events[^1].Type, Is.EqualTo("state"));
        Assert.That(events.Select(e => e.Status.Progress), Is.Ordered);
        Assert.That(events.Select(e => e.Id).Distinct().Count(), Is.EqualTo(events.Count));

        // Resuming after the first event gives exactly the rest; after the last, nothing (the stream just ends).
        var rest = new List<JobEvent>();
        await foreach (var e in client.WatchAsync(job.Id, events[0].Id))
        {
            rest.Add(e);
        }

        Assert.That(rest.Select(e => e.Id), Is.EqualTo(events.Skip(1).Select(e => e.Id)));
        var none = new List<JobEvent>();
        await foreach (var e in client.WatchAsync(job.Id, events[^1].Id))
        {
            none.Add(e);
        }

        Assert.That(none, Is.Empty);
    }

    [Test]
    public async Task Result_HasETag_AnswersRangesAnd304()
    {
        string key = factory.CreateKey();
        var client = new GpuComputeClient(factory.Http(), key);
        var job = await client.WaitAsync((await client.SubmitAsync(Small(64, 9))).Id);
        byte[] whole;
        var http = factory.Http(key);
        using (var response = await http.GetAsync($"/v1/jobs/{job.Id}/result"))
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Headers.ETag?.Tag, Is.EqualTo($"\"{job.Result!.ETag}\""));
            Assert.That(response.Headers.AcceptRanges, Does.Contain("bytes"));
            whole = await response.Content.ReadAsByteArrayAsync();
        }

        Assert.That(whole, Has.Length.EqualTo(64 * 64 * 4));
        Assert.That(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(whole)), Is.EqualTo(job.Result!.ETag));

        var range = new HttpRequestMessage(HttpMethod.Get, $"/v1/jobs/{job.Id}/result");
        range.Headers.Range = new RangeHeaderValue(100, 199);
        using (var partial = await http.SendAsync(range))
        {
            Assert.That(partial.StatusCode, Is.EqualTo(HttpStatusCode.PartialContent));
            Assert.That(await partial.Content.ReadAsByteArrayAsync(), Is.EqualTo(whole[100..200]));
        }

        var conditional = new HttpRequestMessage(HttpMethod.Get, $"/v1/jobs/{job.Id}/result");
        conditional.Headers.IfNoneMatch.Add(new EntityTagHeaderValue($"\"{job.Result.ETag}\""));
        using var unchanged = await http.SendAsync(conditional);
        Assert.That(unchanged.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
    }

    [Test]
    public async Task Trace_HasOneSpanPerTile_OnTheEnginesDevices()
    {
        var client = factory.Client();
        var job = await client.WaitAsync((await client.SubmitAsync(Small(80))).Id);
        var trace = await client.GetTraceAsync(job.Id);
        Assert.That(trace.Spans, Is.Not.Empty);
        Assert.That(trace.Spans.Select(s => s.DeviceId), Is.All.EqualTo("cpu"));
        Assert.That(trace.Spans, Has.All.Matches<TraceSpan>(s => s.EndSeconds >= s.StartSeconds && s.Item.StartsWith("C[", StringComparison.Ordinal)));
        Assert.That(job.Report!.Devices.Sum(d => d.Tiles), Is.EqualTo(trace.Spans.Count));
    }

    [Test]
    public async Task Result_BeforeTheJobSucceeded_Is409()
    {
        var client = factory.Client();
        var job = await client.SubmitAsync(await LargeAsync(client, 2500));
        var error = Assert.ThrowsAsync<GpuComputeServiceException>(() => client.DownloadResultAsync<float>(job.Id));
        Assert.That(error!.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        await client.CancelAsync(job.Id);
        await client.WaitAsync(job.Id);
    }

    [Test]
    public async Task Cancel_QueuedAndRunningJobs_EndCanceled()
    {
        using var single = new ServiceFactory(new Dictionary<string, string> { ["Workers"] = "1" });
        var client = single.Client();
        var large = await LargeAsync(client, 3000);
        var running = await client.SubmitAsync(large);
        var queued = await client.SubmitAsync(large with { Alpha = 2 });
        while ((await client.GetJobAsync(running.Id)).State == JobState.Queued)
        {
            await Task.Delay(5);
        }

        var canceledQueued = await client.CancelAsync(queued.Id);
        Assert.That(canceledQueued.State, Is.EqualTo(JobState.Canceled));
        await client.CancelAsync(running.Id);
        var ended = await client.WaitAsync(running.Id);
        Assert.That(ended.State, Is.EqualTo(JobState.Canceled));
        Assert.That(ended.Error, Does.Contain("canceled"));

        // A finished job is left as it is.
        var done = await client.WaitAsync((await client.SubmitAsync(Small())).Id);
        Assert.That((await client.CancelAsync(done.Id)).State, Is.EqualTo(JobState.Succeeded));
    }

    [Test]
    public async Task QueueFull_Is503WithRetryAfter()
    {
        using var tiny = new ServiceFactory(new Dictionary<string, string> { ["Workers"] = "1", ["MaxQueuedJobs"] = "2" });
        var client = tiny.Client();
        var large = await LargeAsync(client, 3000);
        var first = await client.SubmitAsync(large);
        var second = await client.SubmitAsync(large with { Alpha = 3 });
        var error = Assert.ThrowsAsync<GpuComputeServiceException>(() => client.SubmitAsync(Small()));
        Assert.That(error!.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(error.RetryAfter, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1)));
        Assert.That(error.Detail, Does.Contain("2 jobs are queued or running"));
        await client.CancelAsync(second.Id);
        await client.CancelAsync(first.Id);
        await client.WaitAsync(first.Id);
        Assert.That((await client.WaitAsync((await client.SubmitAsync(Small())).Id)).State, Is.EqualTo(JobState.Succeeded), "room again once the queue drained");
    }

    [Test]
    public async Task Metrics_CountSubmittedAndFinishedJobs()
    {
        long submitted = 0, finished = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == Jobs.ServiceMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name == "gpucompute.service.jobs.submitted")
            {
                Interlocked.Add(ref submitted, value);
            }
            else if (instrument.Name == "gpucompute.service.jobs.finished")
            {
                Interlocked.Add(ref finished, value);
            }
        });
        listener.Start();
        var client = factory.Client();
        for (int i = 0; i < 3; i++)
        {
            await client.WaitAsync((await client.SubmitAsync(Small(seed: 20 + i))).Id);
        }

        Assert.That(Interlocked.Read(ref submitted), Is.GreaterThanOrEqualTo(3));
        Assert.That(Interlocked.Read(ref finished), Is.GreaterThanOrEqualTo(3));
    }

    [Test]
    public async Task OpenApi_DescribesTheJobEndpoints()
    {
        string document = await factory.Http().GetStringAsync("/openapi/v1.json");
        foreach (string path in new[] { "/v1/jobs", "/v1/jobs/{id}/events", "/v1/jobs/{id}/result", "/v1/operands", "/v1/run" })
        {
            Assert.That(document, Does.Contain($"\"{path}\""));
        }
    }
}
