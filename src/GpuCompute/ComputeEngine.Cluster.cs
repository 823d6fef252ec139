using GpuCompute.Backends;
using GpuCompute.Diagnostics;
using GpuCompute.Scheduling;
using Microsoft.Extensions.Logging;

namespace GpuCompute;

/// <summary>The engine's side of cluster membership: nodes that join after the engine did.</summary>
public sealed partial class ComputeEngine
{
    private readonly DeviceSelection selection;
    private readonly ILogger logger;
    private readonly Lock admission = new();

    /// <summary>Node devices replaced by a node of the same name that rejoined: disposed with the engine, since an
    /// operation that started before may still hold them.</summary>
    private readonly List<ComputeDevice> retired = [];

    /// <summary>
    /// Takes on the nodes that joined the cluster since the last operation began and that the device list selects
    /// (<c>node</c>, <c>node:NAME</c>, <c>default</c>): they are added to <see cref="Devices"/> for this operation and
    /// the ones after it. A node that rejoins under a name already listed (a restarted node) replaces the old device.
    /// Cheap when nothing joined: the backend only looks at what its membership watch noted.
    /// </summary>
    private void AdmitJoinedNodes()
    {
        lock (admission)
        {
            IReadOnlyList<ComputeDevice> joined = cluster!.TakeJoined();
            if (joined.Count == 0)
            {
                return;
            }

            var taken = new List<ComputeDevice>();
            foreach (ComputeDevice node in joined)
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

            if (taken.Count == 0)
            {
                return;
            }

            var names = taken.Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
            ComputeDevice[] replaced = [.. devices.Where(d => d.Kind == DeviceKind.Node && names.Contains(d.Id))];
            retired.AddRange(replaced);
            ComputeDevice[] next = [.. devices.Except(replaced), .. taken];
            scheduler = new GemmScheduler(next, Policy, randomSeed, tiling, calibrator);
            devices = next;
            EngineLog.Information(logger, $"Devices now {string.Join(", ", next.Select(d => d.Id))}: {string.Join(", ", taken.Select(d => d.Id))} joined the cluster{(replaced.Length > 0 ? $" (replacing the departed {string.Join(", ", replaced.Select(d => d.Id))})" : "")}.");
        }
    }
}
