using System.Diagnostics;
using System.Numerics;
using GpuCompute.Backends;
using GpuCompute.Diagnostics;
using GpuCompute.Gemm;

namespace GpuCompute.Scheduling;

/// <summary>
/// Runs one GEMM's tiles on real devices: one worker per device asks the <see cref="TileDispatcher"/> for tiles until
/// none are left. A device that throws is dropped and its tiles re-run elsewhere; cancellation stops every worker before
/// its next tile.
/// </summary>
internal sealed class TileExecutor<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly GemmProblem<T> problem;
    private readonly GemmWorkload work;
    private readonly IReadOnlyList<ComputeDevice> devices;
    private readonly TileDispatcher dispatcher;
    private readonly IProgress<GemmProgress>? progress;
    private readonly CancellationToken cancellation;
    private readonly object gate = new();
    private readonly List<TileRecord> records = [];
    private readonly DeviceFailedException?[] failures;
    private readonly long start = Stopwatch.GetTimestamp();

    // Devices dropped from this operation before it started (while calibrating): named too if every device fails.
    private readonly IReadOnlyList<DeviceFailedException> earlierFailures;

    public TileExecutor(
        GemmProblem<T> problem, GemmWorkload work, IReadOnlyList<ComputeDevice> devices, TileDispatcher dispatcher,
        IProgress<GemmProgress>? progress, CancellationToken cancellation, IReadOnlyList<DeviceFailedException> earlierFailures)
    {
        this.earlierFailures = earlierFailures;
        this.problem = problem;
        this.work = work;
        this.devices = devices;
        this.dispatcher = dispatcher;
        this.progress = progress;
        this.cancellation = cancellation;
        failures = new DeviceFailedException?[devices.Count];
    }

    /// <summary>Devices dropped from this operation before it started (while calibrating).</summary>
    public IReadOnlyList<DeviceFailedException> EarlierFailures => earlierFailures;

    /// <summary>Runs every tile, the calling thread driving the first device; blocks until done.</summary>
    public (DeviceShare[] Shares, TileRecord[] Trace) Run()
    {
        Thread[] others = Enumerable.Range(1, devices.Count - 1).Select(StartWorker).ToArray();
        Work(0);
        foreach (Thread thread in others)
        {
            thread.Join();
        }

        return Results();
    }

    /// <summary>Runs every tile on dedicated worker threads; the task completes when the last one finishes.</summary>
    public Task<(DeviceShare[] Shares, TileRecord[] Trace)> RunAsync()
    {
        var done = new TaskCompletionSource<(DeviceShare[], TileRecord[])>(TaskCreationOptions.RunContinuationsAsynchronously);
        int running = devices.Count;
        for (int d = 0; d < devices.Count; d++)
        {
            int device = d;
            new Thread(() =>
            {
                Work(device);
                if (Interlocked.Decrement(ref running) == 0)
                {
                    try
                    {
                        done.SetResult(Results());
                    }
                    catch (OperationCanceledException e)
                    {
                        done.SetCanceled(e.CancellationToken);
                    }
                    catch (Exception e)
                    {
                        done.SetException(e);
                    }
                }
            })
            { IsBackground = true, Name = $"GpuCompute {devices[device].Id}" }.Start();
        }

        return done.Task;
    }

    private Thread StartWorker(int device)
    {
        var thread = new Thread(() => Work(device)) { IsBackground = true, Name = $"GpuCompute {devices[device].Id}" };
        thread.Start();
        return thread;
    }

    private double Now => Stopwatch.GetElapsedTime(start).TotalSeconds;

    private void Work(int device)
    {
        ComputeEngine.EnterWorkerThread();
        try
        {
            WorkUntilDone(device);
        }
        finally
        {
            ComputeEngine.ExitWorkerThread();
        }
    }

    private void WorkUntilDone(int device)
    {
        using CancellationTokenRegistration wake = cancellation.Register(() =>
        {
            lock (gate)
            {
                Monitor.PulseAll(gate);
            }
        });

        while (true)
        {
            int tile = -1;
            double bytes;
            lock (gate)
            {
                TakeResult result;
                while ((result = cancellation.IsCancellationRequested ? TakeResult.Finished : dispatcher.TryTake(device, out tile)) == TakeResult.Wait)
                {
                    Monitor.Wait(gate);
                }

                if (result == TakeResult.Finished)
                {
                    return;
                }

                bytes = dispatcher.InFlightBytes(device);
            }

            double begin = Now;
            Exception? error = null;
            GemmTile current = work.Tiles[tile];
            using Activity? span = EngineTelemetry.StartWorkItem("gemm", devices[device].Id, $"tile ({current.Row}, {current.Col}) {current.Rows}x{current.Cols}");
            try
            {
                devices[device].RunGemmTile(problem, current, cancellation);
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                // Stopped inside the tile: not the device's fault. The operation ends as cancelled (see Results).
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                error = e;
            }

            double end = Now;
            EngineTelemetry.WorkItem("gemm", devices[device].Id, end - begin, error is null ? current.Flops(work.K) : 0, error is null ? bytes : 0, error is not null);
            span?.SetStatus(error is null ? ActivityStatusCode.Ok : ActivityStatusCode.Error);
            int done;
            lock (gate)
            {
                records.Add(new TileRecord(devices[device].Id, work.Tiles[tile], begin, end, bytes, Failed: error is not null));
                if (error is null)
                {
                    dispatcher.Complete(device, tile, end - begin);
                }
                else
                {
                    failures[device] = new DeviceFailedException(devices[device].Id, work.Tiles[tile], error);
                    dispatcher.Fail(device, tile);
                }

                done = dispatcher.Completed;
                Monitor.PulseAll(gate);
            }

            if (error is not null)
            {
                return;
            }

            progress?.Report(new GemmProgress(done, work.Count, end));
        }
    }

    private (DeviceShare[] Shares, TileRecord[] Trace) Results()
    {
        if (!dispatcher.IsComplete)
        {
            cancellation.ThrowIfCancellationRequested();
            throw dispatcher.AllFailed
                ? new GemmFailedException([.. earlierFailures, .. failures.OfType<DeviceFailedException>()])
                : new InvalidOperationException("The scheduler stopped with tiles left and no failure; this is a bug.");
        }

        var shares = new List<DeviceShare>(devices.Count);

        for (int d = 0; d < devices.Count; d++)
        {
            TileRecord[] mine = records.Where(r => r.DeviceId == devices[d].Id && !r.Failed).ToArray();
            shares.Add(new DeviceShare(
                devices[d].Id,
                devices[d].Name,
                devices[d].Kind,
                mine.Length,
                mine.Sum(r => r.EndSeconds - r.StartSeconds),
                mine.Sum(r => r.Tile.Flops(work.K)),
                mine.Sum(r => r.Bytes),
                failures[d]?.InnerException?.Message));
        }

        return ([.. shares], records.OrderBy(r => r.EndSeconds).ToArray());
    }
}
