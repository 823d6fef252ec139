namespace GpuCompute.Scheduling;

/// <summary>One work item's run in an <see cref="OperationReport"/>: which device computed which part and when, in
/// seconds from the start of the operation.</summary>
/// <param name="DeviceId">The device's <see cref="Backends.ComputeDevice.Id"/>.</param>
/// <param name="Item">The item, e.g. <c>cpu[0..500000)</c> (the device's run of the data).</param>
/// <param name="StartSeconds">When the device started it.</param>
/// <param name="EndSeconds">When it finished (or failed).</param>
/// <param name="Bytes">Bytes it moved between devices or host and device.</param>
/// <param name="Failed">True when the device failed on it.</param>
public readonly record struct WorkItemRecord(string DeviceId, string Item, double StartSeconds, double EndSeconds, double Bytes, bool Failed);
