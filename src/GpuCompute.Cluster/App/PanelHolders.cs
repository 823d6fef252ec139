using System.Collections.Concurrent;
using GpuCompute.Cluster.Contracts;

namespace GpuCompute.Cluster.App;

/// <summary>
/// Which nodes hold which panels whole, as the app's node devices know it (a device adds a panel once the node has all
/// of it, and drops it when the node says it lost it or is told to forget its operation): what lets a node fetch a
/// panel from a peer instead of from the app.
/// </summary>
/// <remarks>Why a peer is the cheaper source: the app's link carries every panel to every node, so a panel that a
/// second node needs costs the app's link (and its CPU: the app cuts and checksums every chunk) a second time; a peer
/// that holds it sends it over its own link while the app's carries what only the app has. The nodes' links are
/// measured from the app only, so the rule assumes peer links no slower than the app's (one switch, or loopback).</remarks>
internal sealed class PanelHolders
{
    private readonly ConcurrentDictionary<PanelKey, ConcurrentDictionary<RemoteNodeDevice, byte>> holders = new();

    /// <summary>Notes that <paramref name="node"/> holds <paramref name="panel"/> whole.</summary>
    public void Add(PanelKey panel, RemoteNodeDevice node) => holders.GetOrAdd(panel, _ => new()).TryAdd(node, 0);

    /// <summary>Notes that <paramref name="node"/> no longer holds <paramref name="panel"/>.</summary>
    public void Remove(PanelKey panel, RemoteNodeDevice node)
    {
        if (holders.TryGetValue(panel, out var nodes) && nodes.TryRemove(node, out _) && nodes.IsEmpty)
        {
            holders.TryRemove(new KeyValuePair<PanelKey, ConcurrentDictionary<RemoteNodeDevice, byte>>(panel, nodes));
        }
    }

    /// <summary>A live node other than <paramref name="asking"/> that holds <paramref name="panel"/>, or null.</summary>
    public RemoteNodeDevice? Holder(PanelKey panel, RemoteNodeDevice asking) =>
        holders.TryGetValue(panel, out var nodes)
            ? nodes.Keys.FirstOrDefault(n => !ReferenceEquals(n, asking) && !n.Departed.IsCompleted && !n.IsDisposed)
            : null;
}
