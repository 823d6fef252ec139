using GpuCompute.Backends;

namespace GpuCompute.Data;

/// <summary>One device's share of a <see cref="DataLayout"/>: items <see cref="First"/> .. <see cref="First"/> + <see cref="Count"/>.</summary>
/// <param name="Device">The device holding the items.</param>
/// <param name="First">The first item's global index.</param>
/// <param name="Count">Number of items (at least one).</param>
public readonly record struct LayoutPart(ComputeDevice Device, long First, long Count)
{
    /// <summary>One past the last item.</summary>
    public long End => First + Count;

    /// <inheritdoc/>
    public override string ToString() => $"{Device.Id}[{First}..{End})";
}
