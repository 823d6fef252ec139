namespace GpuCompute.Simulation;

/// <summary>
/// The panels of A and B a modelled device holds, evicted least-recently-used when its memory is full; a panel larger
/// than the memory streams through without being kept.
/// </summary>
internal sealed class PanelCache(double capacityBytes)
{
    private readonly LinkedList<(char Matrix, int Index, double Bytes)> order = new();
    private readonly Dictionary<(char, int), LinkedListNode<(char Matrix, int Index, double Bytes)>> nodes = [];
    private double used;

    /// <summary>Makes the panel resident; returns the bytes that had to be transferred (0 on a hit).</summary>
    public double Fetch(char matrix, int index, double bytes)
    {
        if (nodes.TryGetValue((matrix, index), out var node))
        {
            order.Remove(node);
            order.AddFirst(node);
            return 0;
        }

        if (bytes > capacityBytes)
        {
            return bytes;
        }

        while (used + bytes > capacityBytes && order.Last is { } oldest)
        {
            order.RemoveLast();
            nodes.Remove((oldest.Value.Matrix, oldest.Value.Index));
            used -= oldest.Value.Bytes;
        }

        nodes[(matrix, index)] = order.AddFirst((matrix, index, bytes));
        used += bytes;
        return bytes;
    }
}
