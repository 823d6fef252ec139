using System.Diagnostics;
using System.Runtime.ExceptionServices;
using GpuCompute.Backends;
using GpuCompute.Diagnostics;

namespace GpuCompute.Scheduling;

/// <summary>
/// Runs one operation's work items on real devices, the one executor behind GEMM tiles and device-resident parts alike:
/// one worker per device asks the <see cref="IWorkDispatcher"/> for items until none are left. A device that fails is
/// dropped; its items re-run elsewhere when the plan allows (host-resident inputs), otherwise the operation throws a
/// <see cref="DeviceFailedException"/> naming the device and the data it held, after the other devices have finished
/// theirs. Cancellation stops every worker before its next item (and long items inside, through the token). Every item
/// gets a span and metrics, a trace record, and a progress report.
/// </summary>
internal sealed class WorkExecutor
{
    private readonly WorkPlan plan;
    private readonly IWorkDispatcher dispatcher;
    private readonly IReadOnlyList<ComputeDevice> devices;
    private readonly IProgress<GemmProgress>? progress;
    private readonly CancellationToken cancellation;
    private readonly object gate = new();
    private readonly List<WorkRecord> records = [];
    private readonly DeviceFailedException?[] failures;
    private readonly long start = Stopwatch.GetTimestamp();

    // Devices dropped before the operation started (while calibrating): named too if every device fails.
    private readonly IReadOnlyList<DeviceFailedException> earlierFailures;
    private Exception? notDeviceFault;

    public WorkExecutor(
        WorkPlan plan, IWorkDispatcher dispatcher, int count, IProgress<GemmProgress>? progress = null, CancellationToken cancellation = default,
        IReadOnlyList<DeviceFailedException>? earlierFailures = null)
    {
        this.plan = plan;
        this.dispatcher = dispatcher;
        this.progress = progress;
        this.cancellation = cancellation;
        this.earlierFailures = earlierFailures ?? [];
        devices = plan.Devices;
        failures = new DeviceFailedException?[devices.Count];
        Count = count;
    }

    /// <summary>The number of items.</summary>
    public int Count { get; }

    /// <summary>Each device's failure in this operation (null where it did not fail), by device index.</summary>
    public IReadOnlyList<DeviceFailedException?> Failures => failures;

    /// <summary>Devices dropped before the operation started.</summary>
    public IReadOnlyList<DeviceFailedException> EarlierFailures => earlierFailures;

    /// <summary>
    /// Runs every item, the calling thread driving the first device; blocks until done. The other devices get threads of
    /// their own when they may wait for each other, and pool threads (the caller helping) when items are pinned.
    /// </summary>
    public IReadOnlyList<WorkRecord> Run()
    {
        if (Count == 0)
        {
            return [];
        }

        if (devices.Count == 1)
        {
            Work(0);
        }
        else if (dispatcher.DevicesWaitForEachOther)
        {
            Thread[] others = Enumerable.Range(1, devices.Count - 1).Select(StartWorker).ToArray();
            Work(0);
            foreach (Thread thread in others)
            {
                thread.Join();
            }
        }
        else
        {
            Parallel.For(0, devices.Count, new ParallelOptions { MaxDegreeOfParallelism = devices.Count }, Work);
        }

        return Results();
    }

    /// <summary>Runs every item on dedicated worker threads; the task completes when the last one finishes.</summary>
    public Task<IReadOnlyList<WorkRecord>> RunAsync()
    {
        if (Count == 0)
        {
            return Task.FromResult<IReadOnlyList<WorkRecord>>([]);
        }

        var done = new TaskCompletionSource<IReadOnlyList<WorkRecord>>(TaskCreationOptions.RunContinuationsAsynchronously);
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

    /// <summary>
    /// One item on one device, on the calling thread: the executor's path for an operation of a single item (no
    /// dispatcher, no threads, no allocation beyond the caller's), with the same span, metrics and failure rules — a
    /// device fault becomes <paramref name="failure"/>'s exception, the caller's errors and cancellation pass through.
    /// </summary>
    public static void RunInline(
        string operation, ComputeDevice device, Func<string> describe, Action<CancellationToken> work, CancellationToken cancellation,
        Func<(double Flops, double Bytes)>? cost, Func<Exception, DeviceFailedException> failure)
    {
        using Activity? span = EngineTelemetry.Source.HasListeners() ? EngineTelemetry.StartWorkItem(operation, device.Id, describe()) : null;
        long start = Stopwatch.GetTimestamp();
        bool failed = true;
        try
        {
            work(cancellation);
            failed = false;
        }
        catch (Exception e) when (IsDeviceFault(e, cancellation))
        {
            throw failure(e);
        }
        finally
        {
            (double flops, double bytes) = failed || cost is null ? (0, 0) : cost();
            EngineTelemetry.WorkItem(operation, device.Id, Stopwatch.GetElapsedTime(start).TotalSeconds, flops, bytes, failed);
            span?.SetStatus(failed ? ActivityStatusCode.Error : ActivityStatusCode.Ok);
        }
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

        string id = devices[device].Id;
        while (true)
        {
            int item = -1;
            double bytes;
            lock (gate)
            {
                TakeResult result;
                while ((result = cancellation.IsCancellationRequested || notDeviceFault is not null ? TakeResult.Finished : dispatcher.TryTake(device, out item)) == TakeResult.Wait)
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
            using Activity? span = EngineTelemetry.StartWorkItem(plan.Operation, id, plan.Describe(item));
            try
            {
                plan.Run(item, device, cancellation);
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                // Stopped inside the item: not the device's fault. The operation ends as cancelled (see Results).
                return;
            }
            catch (Exception e)
            {
                error = e;
            }

            double end = Now;
            bool fault = error is not null && IsDeviceFault(error);
            double moved = error is null ? plan.BytesMoved(item) ?? bytes : 0;
            EngineTelemetry.WorkItem(plan.Operation, id, end - begin, error is null ? plan.Flops(item) : 0, moved, error is not null);
            span?.SetStatus(error is null ? ActivityStatusCode.Ok : ActivityStatusCode.Error);
            int done;
            lock (gate)
            {
                records.Add(new WorkRecord(device, item, begin, end, moved, Failed: error is not null));
                if (error is null)
                {
                    dispatcher.Complete(device, item, end - begin);
                }
                else
                {
                    failures[device] = plan.Failure(item, devices[device], error!);
                    dispatcher.Fail(device, item);
                    if (!fault)
                    {
                        // The caller's error (a bad argument found late, a disposed object), not the device's: it is
                        // rethrown as it is, and no device takes more items.
                        notDeviceFault ??= error;
                    }
                }

                done = dispatcher.Completed;
                Monitor.PulseAll(gate);
            }

            if (error is not null)
            {
                return;
            }

            progress?.Report(new GemmProgress(done, Count, end));
        }
    }

    /// <summary>Argument errors, disposed objects and exhausted host memory are not the device's fault.</summary>
    private static bool IsDeviceFault(Exception e) => e is not (ArgumentException or ObjectDisposedException or OutOfMemoryException);

    /// <summary>A device fault other than a cancellation the operation asked for.</summary>
    private static bool IsDeviceFault(Exception e, CancellationToken cancellation) =>
        IsDeviceFault(e) && !(e is OperationCanceledException && cancellation.IsCancellationRequested);

    private IReadOnlyList<WorkRecord> Results()
    {
        if (notDeviceFault is not null)
        {
            ExceptionDispatchInfo.Capture(notDeviceFault).Throw();
        }

        if (!dispatcher.IsComplete)
        {
            cancellation.ThrowIfCancellationRequested();
            if (!plan.Rerunnable && failures.OfType<DeviceFailedException>().FirstOrDefault() is DeviceFailedException pinned)
            {
                throw pinned; // items that could not run elsewhere: the data the failed device held is gone
            }

            if (!dispatcher.AllFailed)
            {
                throw new InvalidOperationException($"The executor stopped {plan.Operation} with items left and no failure; this is a bug.");
            }

            throw new GemmFailedException([.. earlierFailures, .. failures.OfType<DeviceFailedException>()]);
        }

        return records.OrderBy(r => r.EndSeconds).ToArray();
    }
}
