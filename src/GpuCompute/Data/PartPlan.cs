using GpuCompute.Backends;
using GpuCompute.Scheduling;

namespace GpuCompute.Data;

/// <summary>A device-resident operation as work items for the <see cref="WorkExecutor"/>: one item per part of the
/// layout, pinned to the device that holds it.</summary>
internal sealed class PartPlan : WorkPlan
{
    private readonly DataLayout layout;
    private readonly Action<int, CancellationToken> body;
    private readonly Func<int, string>? writes;
    private readonly Func<int, (double Flops, double Bytes)>? cost;
    private readonly ComputeDevice[] devices;

    public PartPlan(DataLayout layout, string operation, Action<int, CancellationToken> body, Func<int, string>? writes, Func<int, (double Flops, double Bytes)>? cost)
    {
        this.layout = layout;
        this.body = body;
        this.writes = writes;
        this.cost = cost;
        Operation = operation;
        devices = layout.Parts.Select(p => p.Device).Distinct().ToArray();
        DeviceOfItem = layout.Parts.Select(p => Array.IndexOf(devices, p.Device)).ToArray();
    }

    public override string Operation { get; }

    public override IReadOnlyList<ComputeDevice> Devices => devices;

    /// <summary>The device (index into <see cref="Devices"/>) each part runs on.</summary>
    public IReadOnlyList<int> DeviceOfItem { get; }

    public override void Run(int item, int device, CancellationToken cancellation) => body(item, cancellation);

    public override string Describe(int item) => layout.Parts[item].ToString();

    public override double Flops(int item) => cost?.Invoke(item).Flops ?? 0;

    public override double? BytesMoved(int item) => cost?.Invoke(item).Bytes ?? 0;

    public override string? Lost(int item) => writes?.Invoke(item);
}
