using GpuCompute.Backends;
using GpuCompute.Scheduling;

namespace GpuCompute.Tasks;

/// <summary>A task graph as the <see cref="WorkExecutor"/>'s work items (one per task), so failures, cancellation,
/// progress, spans, metrics and the trace come from the same executor as every other operation. Around each task the
/// graph's <see cref="TaskGraph.Copies"/> make its tiles valid where it runs and record what it wrote.</summary>
/// <remarks>Not <see cref="WorkPlan.Rerunnable"/> as a whole: a failed device's task does run again elsewhere when
/// another device may run it and its tiles still have a valid copy (the dispatcher sees to that), but when none may,
/// or the failed device held the only valid copy of a tile, the operation ends with that device's
/// <see cref="DeviceFailedException"/>, naming the tiles lost.</remarks>
internal sealed class TaskGraphPlan : WorkPlan
{
    private readonly string operation;
    private readonly TaskGraph graph;
    private readonly long[] moved;

    /// <summary>One worker per lane: a device appears once per <see cref="ComputeDevice.TaskLanes"/> (the CPU device
    /// once per thread), so that its lanes run tasks side by side.</summary>
    private readonly ComputeDevice[] lanes;

    public TaskGraphPlan(string operation, TaskGraph graph, IReadOnlyList<ComputeDevice> devices)
    {
        this.operation = operation;
        this.graph = graph;
        lanes = [.. devices.SelectMany(d => Enumerable.Repeat(d, Math.Max(1, d.TaskLanes)))];
        moved = new long[graph.Tasks.Count];
    }

    public override string Operation => operation;

    public override IReadOnlyList<ComputeDevice> Devices => lanes;

    public override void Run(int item, int device, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        GraphTask task = graph.Tasks[item];
        ComputeDevice lane = lanes[device];
        ITileCopies? copies = graph.Copies;
        bool succeeded = false;
        try
        {
            Interlocked.Add(ref moved[item], copies?.Acquire(task, lane) ?? 0);
            task.Run(lane, cancellation);
            succeeded = true;
        }
        catch (Exception e) when (copies is not null && e is not (ArgumentException or OperationCanceledException or ObjectDisposedException))
        {
            copies.Release(task, lane, succeeded: false);
            copies.Fail(lane); // the device is dropped: its copies are gone with it
            throw;
        }
        finally
        {
            if (succeeded)
            {
                copies?.Release(task, lane, succeeded: true);
            }
        }
    }

    public override string Describe(int item) => graph.Tasks[item].Name;

    public override double Flops(int item) => graph.Tasks[item].Flops;

    public override double? BytesMoved(int item) => Interlocked.Read(ref moved[item]);

    /// <summary>Starts bringing task <paramref name="item"/>'s tiles to lane <paramref name="device"/> on the thread
    /// pool (see <see cref="TaskGraphDispatcher.Prefetch"/>; a transfer that fails there fails the device's next
    /// task).</summary>
    public void Prefetch(int item, int device)
    {
        if (graph.Copies is not { } copies)
        {
            return;
        }

        GraphTask task = graph.Tasks[item];
        ComputeDevice lane = lanes[device];
        _ = Task.Run(() => Interlocked.Add(ref moved[item], copies.Prefetch(task, lane)));
    }

    public override DeviceFailedException Failure(int item, ComputeDevice device, Exception error)
    {
        ITileCopies? copies = graph.Copies;
        IReadOnlyList<int> lost = copies?.Directory.Lost ?? [];
        return new DeviceFailedException(
            device.Id, Operation, error,
            lost.Count == 0 ? null : $"{string.Join(", ", lost.Take(8).Select(copies!.Name))}{(lost.Count > 8 ? $" and {lost.Count - 8} more" : "")}, tiles written there and not yet back in host memory");
    }
}
