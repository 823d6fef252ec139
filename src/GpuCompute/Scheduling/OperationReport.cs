namespace GpuCompute.Scheduling;

/// <summary>What a device-resident operation or user-kernel launch did: its wall time, each device's share and every
/// work item's run (a device's part of the data).</summary>
public sealed class OperationReport
{
    internal OperationReport(string operation, double seconds, IReadOnlyList<DeviceShare> devices, IReadOnlyList<WorkItemRecord> trace)
    {
        Operation = operation;
        Seconds = seconds;
        Devices = devices;
        Trace = trace;
    }

    /// <summary>The operation, e.g. <c>an element-wise map</c>, <c>GEMV</c>, <c>batched GEMM</c>.</summary>
    public string Operation { get; }

    /// <summary>Wall-clock seconds from the call to the last part's completion.</summary>
    public double Seconds { get; }

    /// <summary>Each engine device's share, in the engine's device order (devices without parts included, with zero
    /// items); <see cref="DeviceShare.Tiles"/> counts the parts it computed.</summary>
    public IReadOnlyList<DeviceShare> Devices { get; }

    /// <summary>Every part's run, in completion order.</summary>
    public IReadOnlyList<WorkItemRecord> Trace { get; }

    /// <summary>Floating-point operations the devices performed (counted for GEMV and batched GEMM; 0 where an
    /// operation is not a flop count, such as a copy or a user kernel).</summary>
    public double Flops => Devices.Sum(d => d.Flops);

    /// <summary>Bytes moved between devices or between host and device (copies of inputs a device did not hold).</summary>
    public double BytesMoved => Devices.Sum(d => d.BytesMoved);

    /// <summary>This report followed by <paramref name="next"/> (a second phase of the same operation), as one.</summary>
    internal OperationReport Then(OperationReport next) => new(
        Operation,
        Seconds + next.Seconds,
        Devices.Zip(next.Devices, (a, b) => a with { Tiles = a.Tiles + b.Tiles, BusySeconds = a.BusySeconds + b.BusySeconds, Flops = a.Flops + b.Flops, BytesMoved = a.BytesMoved + b.BytesMoved, Error = a.Error ?? b.Error }).ToArray(),
        [.. Trace, .. next.Trace.Select(r => r with { StartSeconds = r.StartSeconds + Seconds, EndSeconds = r.EndSeconds + Seconds })]);
}
