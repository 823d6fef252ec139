using System.Collections.Concurrent;
using System.Diagnostics;
using System.Numerics;
using System.Threading.Channels;
using GpuCompute.Client;
using GpuCompute.Service.Api;
using GpuCompute.Service.Operations;
using GpuCompute.Service.Storage;

namespace GpuCompute.Service.Jobs;

/// <summary>Runs stored jobs on the engine, in submission order, on <see cref="ServiceOptions.Workers"/> workers.</summary>
/// <remarks>At start it re-queues the jobs a previous process left queued or running, before the server accepts
/// requests. Stopping the service cancels running jobs without marking them: they stay running in the database and
/// run again at the next start. A job is marked succeeded only after its result file is durable.</remarks>
public sealed class JobRunner : BackgroundService
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(100);
    private readonly JobStore jobs;
    private readonly OperandStore operands;
    private readonly ResultStore results;
    private readonly ComputeEngine engine;
    private readonly JobEvents events;
    private readonly ServiceOptions options;
    private readonly ILogger<JobRunner> logger;
    private readonly Channel<string> queue = Channel.CreateUnbounded<string>();
    private readonly ConcurrentDictionary<string, CancellationTokenSource> running = new();
    private int depth;

    public JobRunner(JobStore jobs, OperandStore operands, ResultStore results, ComputeEngine engine, JobEvents events, ServiceOptions options, ILogger<JobRunner> logger)
    {
        this.jobs = jobs;
        this.operands = operands;
        this.results = results;
        this.engine = engine;
        this.events = events;
        this.options = options;
        this.logger = logger;
        Metrics = new ServiceMetrics(() => Volatile.Read(ref depth));
    }

    /// <summary>The service's metrics.</summary>
    public ServiceMetrics Metrics { get; }

    /// <summary>Jobs queued or running.</summary>
    public int Depth => Volatile.Read(ref depth);

    /// <summary>True once stored jobs are re-queued and workers run.</summary>
    public bool IsReady { get; private set; }

    /// <summary>Takes one place in the queue for a job about to be stored; a 503 with <c>Retry-After</c> when full.</summary>
    public void Reserve()
    {
        if (Interlocked.Increment(ref depth) > options.MaxQueuedJobs)
        {
            Interlocked.Decrement(ref depth);
            throw new RequestException(
                StatusCodes.Status503ServiceUnavailable, "Queue full",
                $"{options.MaxQueuedJobs} jobs are queued or running, the service's limit; retry later.", TimeSpan.FromSeconds(Math.Max(1, options.MaxQueuedJobs / 100)));
        }
    }

    /// <summary>Gives back a place taken by <see cref="Reserve"/> for a job that was not stored (or already was).</summary>
    public void Release() => Interlocked.Decrement(ref depth);

    /// <summary>Queues a stored job that holds a reserved place.</summary>
    public void Enqueue(JobRow job)
    {
        Metrics.Submitted(job.Operation);
        events.Publish(job.ToStatus());
        queue.Writer.TryWrite(job.Id);
    }

    /// <summary>Cancels <paramref name="keyId"/>'s job: a queued one at once, a running one at the engine's next
    /// stopping point. Returns the job as it is then (a finished job is left alone).</summary>
    public JobStatus Cancel(string keyId, string id)
    {
        var job = jobs.Find(keyId, id) ?? throw RequestException.NotFound($"No job {id} for this key.");
        if (job.State == JobState.Queued && jobs.CancelQueued(id))
        {
            // Its place in the queue is given back when a worker takes it off the channel and skips it.
            var canceled = jobs.Find(id)!;
            Metrics.Finished(job.Operation, JobState.Canceled, 0);
            events.Publish(canceled.ToStatus());
            return canceled.ToStatus();
        }

        if (running.TryGetValue(id, out var stop))
        {
            stop.Cancel();
        }

        return (jobs.Find(id) ?? job).ToStatus();
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var recovered = jobs.Recover();
        foreach (string id in recovered)
        {
            Interlocked.Increment(ref depth);
            queue.Writer.TryWrite(id);
        }

        if (recovered.Count > 0)
        {
            logger.LogInformation("Resuming {Count} jobs stored before the last stop", recovered.Count);
        }

        return base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        IsReady = true;
        return Task.WhenAll(Enumerable.Range(0, Math.Max(1, options.Workers)).Select(_ => Task.Run(() => WorkAsync(stoppingToken), CancellationToken.None)));
    }

    public override void Dispose()
    {
        Metrics.Dispose();
        base.Dispose();
    }

    private async Task WorkAsync(CancellationToken stopping)
    {
        try
        {
            await foreach (string id in queue.Reader.ReadAllAsync(stopping).ConfigureAwait(false))
            {
                try
                {
                    await RunAsync(id, stopping).ConfigureAwait(false);
                }
                finally
                {
                    Release();
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Shutting down: what was queued stays queued in the database.
        }
    }

    private async Task RunAsync(string id, CancellationToken stopping)
    {
        if (!jobs.Start(id))
        {
            return; // Canceled while queued.
        }

        var job = jobs.Find(id)!;
        var status = job.ToStatus();
        events.Publish(status);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        running[id] = stop;
        var clock = Stopwatch.StartNew();
        try
        {
            var result = job.Precision == "f64"
                ? await ExecuteAsync<double>(job, status, stop.Token).ConfigureAwait(false)
                : await ExecuteAsync<float>(job, status, stop.Token).ConfigureAwait(false);
            Finish(job, JobState.Succeeded, null, result.Result, result.Report, result.Trace, clock.Elapsed.TotalSeconds);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            logger.LogInformation("Job {Id} interrupted by shutdown; it runs again at the next start", id);
        }
        catch (OperationCanceledException)
        {
            Finish(job, JobState.Canceled, "canceled by the client", null, null, null, clock.Elapsed.TotalSeconds);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "Job {Id} failed", id);
            Finish(job, JobState.Failed, e.Message, null, null, null, clock.Elapsed.TotalSeconds);
        }
        finally
        {
            running.TryRemove(id, out _);
        }
    }

    private void Finish(JobRow job, string state, string? error, JobResult? result, JobReport? report, JobTrace? trace, double seconds)
    {
        jobs.Finish(job.Id, state, error, result, report, trace);
        Metrics.Finished(job.Operation, state, seconds);
        events.Publish(jobs.Find(job.Id)!.ToStatus());
    }

    private async Task<(JobResult Result, JobReport Report, JobTrace Trace)> ExecuteAsync<T>(JobRow job, JobStatus status, CancellationToken cancellation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (request, operation, shape) = JobValidator.Replan(job.RequestJson, options.MaxElements);
        var arguments = Load<T>(request, shape, operands);
        var progress = new ThrottledProgress(this, job.Id, status);
        var outcome = await Task.Run(() => operation.RunAsync(engine, arguments, progress, cancellation), cancellation).ConfigureAwait(false);
        var (bytes, sha) = results.Save(job.Id, outcome.Values);
        var result = new JobResult
        {
            Shape = outcome.Shape,
            Bytes = bytes,
            ETag = sha,
            Value = outcome.Shape.Length == 0 ? double.CreateTruncating(outcome.Values[0]) : null,
            Index = outcome.Index,
        };
        return (result, outcome.Report, outcome.Trace);
    }

    /// <summary>Loads a request's operands as <typeparamref name="T"/>: inline values converted, uploads read from disk.</summary>
    public static OperationArguments<T> Load<T>(JobRequest request, OperationShape shape, OperandStore operands)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var values = new Dictionary<string, T[]>();
        foreach (var (role, readShape) in shape.Reads)
        {
            var operand = request.Operands[role];
            long count = readShape.Aggregate(1L, (p, d) => p * d);
            values[role] = operand.Values is { } inline
                ? [.. inline.Select(T.CreateTruncating)]
                : operands.Read<T>(operand.Id!, count);
        }

        return new OperationArguments<T>(
            shape.Reads, values, request.Alpha ?? 1, request.Beta ?? 0,
            Transposes.Parse(request.TransA, "transA"), Transposes.Parse(request.TransB, "transB"));
    }

    /// <summary>Publishes progress at most every <see cref="ProgressInterval"/>, and stores it with it.</summary>
    private sealed class ThrottledProgress(JobRunner runner, string id, JobStatus status) : IProgress<double>
    {
        private readonly Lock gate = new();
        private long lastTicks;

        public void Report(double value)
        {
            long now = Stopwatch.GetTimestamp();
            lock (gate)
            {
                if (value < 1 && Stopwatch.GetElapsedTime(lastTicks, now) < ProgressInterval)
                {
                    return;
                }

                lastTicks = now;
            }

            if (value < 1)
            {
                runner.jobs.Progress(id, value); // the final state follows a progress of 1 at once
            }

            runner.events.Publish(status with { Progress = value });
        }
    }
}
