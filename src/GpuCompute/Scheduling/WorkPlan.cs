using GpuCompute.Backends;

namespace GpuCompute.Scheduling;

/// <summary>
/// One operation as work items for the <see cref="WorkExecutor"/>: GEMM tiles on host matrices, or the parts of a
/// device-resident operation. Says what each item is, costs and does, and what is lost if its device fails.
/// </summary>
internal abstract class WorkPlan
{
    /// <summary>The operation's name, in spans, metrics and failures (e.g. <c>gemm</c>, <c>an element-wise map</c>).</summary>
    public abstract string Operation { get; }

    /// <summary>The devices that run items: one worker each.</summary>
    public abstract IReadOnlyList<ComputeDevice> Devices { get; }

    /// <summary>Runs <paramref name="item"/> on device <paramref name="device"/> (an index into <see cref="Devices"/>); blocks.</summary>
    public abstract void Run(int item, int device, CancellationToken cancellation);

    /// <summary>True when an item whose device failed can run on another device (its inputs are in host memory); false
    /// when items are pinned to the device that holds their data, so a failure loses that device's part.</summary>
    public virtual bool Rerunnable => false;

    /// <summary>The item, for traces: e.g. <c>tile (0, 256) 256x256</c>.</summary>
    public abstract string Describe(int item);

    /// <summary>Floating-point operations the item performs (after it ran; 0 when not counted).</summary>
    public virtual double Flops(int item) => 0;

    /// <summary>Bytes the item moved between devices or host and device (after it ran), when the plan knows better than the dispatcher.</summary>
    public virtual double? BytesMoved(int item) => null;

    /// <summary>The data left unfinished when the device running <paramref name="item"/> fails and the item cannot run
    /// elsewhere; null when it can (its inputs are in host memory).</summary>
    public virtual string? Lost(int item) => null;

    /// <summary>The failure of <paramref name="device"/> on <paramref name="item"/>, as reported: names the device and,
    /// for an item that cannot run elsewhere, the data lost with it.</summary>
    public virtual DeviceFailedException Failure(int item, ComputeDevice device, Exception error) =>
        new(device.Id, Operation, error, Lost(item));
}
