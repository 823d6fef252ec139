using GpuCompute.Backends;
using GpuCompute.Scheduling;

namespace GpuCompute.Tasks;

/// <summary>A task graph as the <see cref="WorkExecutor"/>'s work items (one per task), so failures, cancellation,
/// progress, spans, metrics and the trace come from the same executor as every other operation.</summary>
/// <remarks>Not <see cref="WorkPlan.Rerunnable"/> as a whole: a failed device's task does run again elsewhere when
/// another device may run it (the dispatcher sees to that), but when none may, the operation ends with that device's
/// <see cref="DeviceFailedException"/> rather than a claim that every device failed.</remarks>
internal sealed class TaskGraphPlan(string operation, TaskGraph graph, IReadOnlyList<ComputeDevice> devices) : WorkPlan
{
    /// <summary>One worker per lane: a device appears once per <see cref="ComputeDevice.TaskLanes"/> (the CPU device
    /// once per thread), so that its lanes run tasks side by side.</summary>
    private readonly ComputeDevice[] lanes = [.. devices.SelectMany(d => Enumerable.Repeat(d, Math.Max(1, d.TaskLanes)))];

    public override string Operation => operation;

    public override IReadOnlyList<ComputeDevice> Devices => lanes;

    public override void Run(int item, int device, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        graph.Tasks[item].Run(lanes[device], cancellation);
    }

    public override string Describe(int item) => graph.Tasks[item].Name;

    public override double Flops(int item) => graph.Tasks[item].Flops;
}
