using GpuCompute.Backends;
using ILGPU;

namespace GpuCompute.Cluster.App;

/// <summary>
/// A buffer an app keeps on a node (<see cref="RemoteNodeDevice"/>), for a task graph's tile copies there: its
/// elements live in the node process, reached by chunked, checksummed calls; the tile kernels run on them there.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
internal sealed class NodeBuffer<T> : DeviceBuffer<T>
    where T : unmanaged
{
    private readonly RemoteNodeDevice node;
    private int disposed;

    public NodeBuffer(RemoteNodeDevice node, long id, long length)
        : base(node, length)
    {
        this.node = node;
        Id = id;
    }

    /// <summary>The buffer's id on the node (unique within the app).</summary>
    public long Id { get; }

    public override ArrayView<T> View => throw new NotSupportedException($"Buffer {Id} lives in node {node.Id}'s process: it has no ILGPU view here.");

    public override void CopyFromHost(ReadOnlySpan<T> source, long offset) => node.WriteBuffer(this, source, offset);

    public override void CopyToHost(long offset, Span<T> destination) => node.ReadBuffer(this, offset, destination);

    public override void CopyWithinDevice(long offset, DeviceBuffer<T> destination, long destinationOffset, long length) =>
        node.CopyBuffer(this, offset, (NodeBuffer<T>)destination, destinationOffset, length);

    public override void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            node.FreeBuffer(Id);
        }
    }
}
