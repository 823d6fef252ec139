using GpuCompute.Backends;
using GpuCompute.Diagnostics;
using GpuCompute.Scheduling;
using Microsoft.Extensions.Logging;

namespace GpuCompute;

/// <summary>The engine's side of cluster membership: nodes that join after the engine did, and nodes that leave.</summary>
public sealed partial class ComputeEngine
{
    private readonly DeviceSelection selection;
    private readonly ILogger logger;
    private readonly Lock admission = new();

    /// <summary>Node devices dropped because they left or were replaced by a node of the same name that rejoined:
    /// disposed with the engine, since an operation that started before may still hold them.</summary>
    private readonly List<ComputeDevice> retired = [];

    /// <summary>
    /// Brings <see cref="Devices"/> up to date with the cluster's membership before an operation: nodes that joined
    /// since the last operation began, and that the device list selects (<c>node</c>, <c>node:NAME</c>,
    /// <c>default</c>), are added; nodes that left (declared dead, or stopped) are dropped, so later operations do not
    /// plan work for them; a node that rejoins under a name already listed (a restarted node) replaces the old device.
    /// Cheap when nothing changed: the backend only looks at what its membership watch noted.
    /// </summary>
    private void FollowMembership()
    {
        lock (admission)
        {
            var taken = new List<ComputeDevice>();
            foreach (ComputeDevice node in cluster!.TakeJoined())
            {
                if (selection.Accepts(node))
                {
                    taken.Add(node);
                }
                else
                {
                    node.Dispose();
                }
            }

            var names = taken.Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
            ComputeDevice[] gone = [.. devices.Where(d => d.Kind == DeviceKind.Node && (names.Contains(d.Id) || cluster.HasLeft(d)))];
            if (taken.Count == 0 && gone.Length == 0)
            {
                return;
            }

            ComputeDevice[] next = [.. devices.Except(gone), .. taken];
            if (next.Length == 0)
            {
                return; // every node left and none came: keep the list, so operations fail naming them
            }

            retired.AddRange(gone);
            scheduler = new GemmScheduler(next, Policy, randomSeed, tiling, calibrator);
            devices = next;
            EngineLog.Information(
                logger,
                $"Cluster membership changed: devices now {string.Join(", ", next.Select(d => d.Id))}"
                + (taken.Count > 0 ? $"; joined {string.Join(", ", taken.Select(d => d.Id))}" : "")
                + (gone.Length > 0 ? $"; left {string.Join(", ", gone.Select(d => d.Id))}" : "") + ".");
        }
    }
}
