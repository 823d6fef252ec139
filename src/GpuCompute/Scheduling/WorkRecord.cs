namespace GpuCompute.Scheduling;

/// <summary>One work item's run: which device (index) computed which item, when, and what it moved.</summary>
/// <param name="Device">The device's index in the plan.</param>
/// <param name="Item">The item's index.</param>
/// <param name="StartSeconds">When the device started it, from the start of the operation.</param>
/// <param name="EndSeconds">When it finished (or failed).</param>
/// <param name="Bytes">Bytes it moved.</param>
/// <param name="Failed">True when the device failed on it.</param>
internal readonly record struct WorkRecord(int Device, int Item, double StartSeconds, double EndSeconds, double Bytes, bool Failed);
