using System.Diagnostics;
using GpuCompute.Backends;
using GpuCompute.Diagnostics;
using GpuCompute.Scheduling;

namespace GpuCompute.Data;

/// <summary>Runs one piece of work per device part, through the engine's one executor (each part pinned to its device),
/// and reports a device that fails by name.</summary>
internal static class PartExecution
{
    /// <summary>
    /// Runs <paramref name="body"/> for every part of <paramref name="layout"/>, each on its own thread (one device
    /// each), and blocks until all are done. If any throws, rethrows after the others have finished (no part is left
    /// running, so the parts on healthy devices are complete): argument errors as they are, anything else as a
    /// <see cref="DeviceFailedException"/> naming the device and, when <paramref name="writes"/> says what a part
    /// writes, the data that was lost with it.
    /// </summary>
    public static OperationReport Run(DataLayout layout, string operation, Action<int> body, Func<int, string>? writes = null) =>
        Run(layout, operation, (p, _) => body(p), writes);

    /// <summary>As the other overloads, with each finished part's flops and bytes moved (for the engine's metrics).</summary>
    public static OperationReport Run(DataLayout layout, string operation, Action<int, CancellationToken> body, Func<int, string>? writes, Func<int, (double Flops, double Bytes)>? cost) =>
        RunTracked(layout, operation, body, writes, cost);

    /// <summary>As <see cref="Run(DataLayout, string, Action{int}, Func{int, string}?)"/>, handing each part the engine's
    /// lifetime token (cancelled by Dispose) for primitives that can stop early; an operation stopped that way ends with
    /// <see cref="ObjectDisposedException"/>.</summary>
    public static OperationReport Run(DataLayout layout, string operation, Action<int, CancellationToken> body, Func<int, string>? writes = null) =>
        RunTracked(layout, operation, body, writes, null);

    /// <summary>
    /// The asynchronous form: every part on a worker thread of its own device, the task completing when the last part
    /// is done. <paramref name="cancellation"/> stops parts that have not started and long primitives between their
    /// blocks (the task is then cancelled); Dispose ends it with <see cref="ObjectDisposedException"/>. Progress is
    /// reported after each part.
    /// </summary>
    public static async Task<OperationReport> RunAsync(
        DataLayout layout, string operation, Action<int, CancellationToken> body, Func<int, string>? writes, Func<int, (double Flops, double Bytes)>? cost,
        IProgress<GemmProgress>? progress, CancellationToken cancellation)
    {
        ComputeEngine engine = layout.Owner;
        CancellationToken stop = engine.BeginOperation(synchronous: false);
        try
        {
            using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellation, stop);
            using Activity? span = EngineTelemetry.Source.StartActivity(operation);
            long start = Stopwatch.GetTimestamp();
            var plan = new PartPlan(layout, operation, body, writes, cost);
            IReadOnlyList<WorkRecord> records = await new WorkExecutor(plan, new PinnedDispatcher(plan.DeviceOfItem, plan.Devices.Count), layout.Parts.Count, progress, either.Token)
                .RunAsync().ConfigureAwait(false);
            return Report(layout, plan, records, start);
        }
        catch (OperationCanceledException e) when (stop.IsCancellationRequested && !cancellation.IsCancellationRequested)
        {
            throw new ObjectDisposedException(nameof(ComputeEngine), $"The engine was disposed during {operation}, which stopped before finishing ({e.Message}).");
        }
        finally
        {
            engine.EndOperation(synchronous: false);
        }
    }

    private static OperationReport RunTracked(DataLayout layout, string operation, Action<int, CancellationToken> body, Func<int, string>? writes, Func<int, (double Flops, double Bytes)>? cost)
    {
        // Registered with the engine, so that Dispose waits for the parts instead of freeing their devices under them.
        ComputeEngine engine = layout.Owner;
        CancellationToken stop = engine.BeginOperation(synchronous: true);
        try
        {
            using Activity? span = EngineTelemetry.Source.StartActivity(operation);
            span?.SetTag("gpucompute.parts", layout.Parts.Count);
            long start = Stopwatch.GetTimestamp();
            if (layout.Parts.Count == 1)
            {
                // One part: the executor's inline path, so a tiny call costs a few hundred nanoseconds, not a dispatcher.
                LayoutPart only = layout.Parts[0];
                WorkExecutor.RunInline(
                    operation,
                    only.Device,
                    only.ToString,
                    stopped => body(0, stopped),
                    stop,
                    cost is null ? null : () => cost(0),
                    e => new DeviceFailedException(only.Device.Id, operation, e, writes?.Invoke(0)));
                double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
                (double flops, double bytes) = cost?.Invoke(0) ?? (0, 0);
                return Report(layout, operation, [new WorkItemRecord(only.Device.Id, only.ToString(), 0, seconds, bytes, Failed: false)], [flops], seconds);
            }

            var plan = new PartPlan(layout, operation, body, writes, cost);
            IReadOnlyList<WorkRecord> records = new WorkExecutor(plan, new PinnedDispatcher(plan.DeviceOfItem, plan.Devices.Count), layout.Parts.Count, cancellation: stop).Run();
            return Report(layout, plan, records, start);
        }
        catch (OperationCanceledException e) when (stop.IsCancellationRequested)
        {
            throw new ObjectDisposedException(nameof(ComputeEngine), $"The engine was disposed during {operation}, which stopped before finishing ({e.Message}).");
        }
        finally
        {
            engine.EndOperation(synchronous: true);
        }
    }

    /// <summary>The report of an operation that had nothing to compute (α = 0 in an axpy, an empty product): no items.</summary>
    public static OperationReport Nothing(DataLayout layout, string operation) => Report(layout, operation, [], [], 0);

    private static OperationReport Report(DataLayout layout, PartPlan plan, IReadOnlyList<WorkRecord> records, long start) =>
        Report(
            layout,
            plan.Operation,
            records.Select(r => new WorkItemRecord(plan.Devices[r.Device].Id, plan.Describe(r.Item), r.StartSeconds, r.EndSeconds, r.Bytes, r.Failed)).ToArray(),
            records.Select(r => r.Failed ? 0 : plan.Flops(r.Item)).ToArray(),
            Stopwatch.GetElapsedTime(start).TotalSeconds);

    /// <summary>The report: every engine device's share (zero items where it held no part), from the items' records.</summary>
    private static OperationReport Report(DataLayout layout, string operation, WorkItemRecord[] trace, double[] flops, double seconds)
    {
        IReadOnlyList<ComputeDevice> devices = layout.Owner.Devices;
        var shares = new DeviceShare[devices.Count];
        for (int d = 0; d < devices.Count; d++)
        {
            ComputeDevice device = devices[d];
            int items = 0;
            double busy = 0, work = 0, bytes = 0;
            for (int r = 0; r < trace.Length; r++)
            {
                if (trace[r].DeviceId == device.Id && !trace[r].Failed)
                {
                    items++;
                    busy += trace[r].EndSeconds - trace[r].StartSeconds;
                    work += flops[r];
                    bytes += trace[r].Bytes;
                }
            }

            shares[d] = new DeviceShare(device.Id, device.Name, device.Kind, items, busy, work, bytes, null);
        }

        return new OperationReport(operation, seconds, shares, trace);
    }
}
