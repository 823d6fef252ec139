using GpuCompute.Backends;

namespace GpuCompute.Data;

/// <summary>
/// How a device-resident array's items (a vector's elements, a matrix's rows, a batch's matrices) are split across
/// devices: consecutive runs, one per device, in device order. Arrays with equal layouts line up item for item, so
/// operations on them run on each device without moving data.
/// </summary>
/// <remarks>Immutable. Made by <see cref="ComputeEngine.Layout(long)"/> and its overloads.</remarks>
public sealed class DataLayout : IEquatable<DataLayout>
{
    private readonly LayoutPart[] parts;

    internal DataLayout(ComputeEngine owner, long count, LayoutPart[] parts)
    {
        Owner = owner;
        Count = count;
        this.parts = parts;
    }

    /// <summary>Number of items.</summary>
    public long Count { get; }

    /// <summary>The devices' runs of items, in order; empty when <see cref="Count"/> is 0.</summary>
    public IReadOnlyList<LayoutPart> Parts => parts;

    /// <summary>The devices holding items.</summary>
    public IEnumerable<ComputeDevice> Devices => parts.Select(p => p.Device);

    internal ComputeEngine Owner { get; }

    /// <summary>Builds a layout of <paramref name="count"/> items split in proportion to <paramref name="weights"/>
    /// (devices whose share rounds to nothing get no part).</summary>
    internal static DataLayout Split(ComputeEngine owner, long count, IReadOnlyList<ComputeDevice> devices, IReadOnlyList<double> weights)
    {
        double total = weights.Sum();
        var parts = new List<LayoutPart>();
        long first = 0;
        double cumulative = 0;
        for (int d = 0; d < devices.Count; d++)
        {
            cumulative += weights[d];
            long end = d == devices.Count - 1 ? count : (long)Math.Round(count * (cumulative / total));
            if (end > first)
            {
                parts.Add(new LayoutPart(devices[d], first, end - first));
                first = end;
            }
        }

        return new DataLayout(owner, count, [.. parts]);
    }

    /// <summary>Names part <paramref name="part"/>'s items of an array, for messages: e.g. <c>elements [0, 500) of y</c>.</summary>
    internal string DescribePart(int part, string unit, string array) => $"{unit} [{parts[part].First}, {parts[part].End}) of {array}";

    /// <inheritdoc/>
    public bool Equals(DataLayout? other) =>
        other is not null && ReferenceEquals(Owner, other.Owner) && Count == other.Count && parts.AsSpan().SequenceEqual(other.parts);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as DataLayout);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Count, parts.Length);

    /// <inheritdoc/>
    public override string ToString() => parts.Length == 0 ? "(empty)" : string.Join(", ", parts);
}
