using System.Numerics;
using GpuCompute.Gemm;
using GpuCompute.Matrices;
using GpuCompute.Scheduling;

namespace GpuCompute.Simulation;

/// <summary>
/// A discrete-event simulator that runs the engine's own planning and scheduling code (<see cref="TileDispatcher"/>)
/// against modelled devices in virtual time, so policies can be studied on 1 to 64 devices and matrices far larger
/// than this machine in seconds.
/// </summary>
/// <remarks>
/// A device computes one tile at a time (latency + flops / throughput). A device with a link receives the panels of
/// A and B a tile needs and that it does not hold, and sends the tile's C back, over that link; links carry one
/// transfer at a time in the order asked, and devices on one bus share one link. A device that overlaps transfers
/// holds <see cref="BlockPartition.StreamDepth"/> tiles: while it computes one, the next ones' panels arrive; one that
/// does not copies, computes and copies back in turn. Panels stay resident until the device's memory is full (LRU). The dispatcher
/// plans with exact device models, as after a perfect calibration, and refines them from the simulated tile times as
/// it does on real devices.
/// </remarks>
public static class GemmSimulator
{
    /// <summary>
    /// Tiles for simulations: edges from 256 to 8192, about 64 tiles per device (equal tiles for the static policies,
    /// each device's block cut into about 64 for the adaptive one), and products under 2·256³ flops left whole, as in
    /// real runs.
    /// </summary>
    internal static TilePlanner Planner { get; } = new(256, 8192, TilePlanner.Default.SingleTileFlops, 64);

    /// <summary>Simulates C ← A·B (β = 0) of the given shape in precision <typeparamref name="T"/> under <paramref name="policy"/>.</summary>
    /// <exception cref="ArgumentException">No devices, or a size is negative.</exception>
    public static SimulationResult Run<T>(IReadOnlyList<SimulatedDevice> devices, int m, int n, int k, SchedulingPolicy policy, int seed = 12345)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(devices);
        ScalarType.EnsureSupported<T>();
        if (devices.Count == 0)
        {
            throw new ArgumentException("Simulate at least one device.", nameof(devices));
        }

        if (m < 0 || n < 0 || k < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(m), $"Sizes must be non-negative; got m={m}, n={n}, k={k}.");
        }

        DeviceModel[] models = devices.Select(Model).ToArray();
        TileDispatcher dispatcher = TileDispatcher.Plan(policy, Planner, m, n, k, ScalarType.Size<T>(), readsC: false, models, seed);
        return new SimulatedRun(devices, dispatcher, policy).Execute() with
        {
            LowerBoundSeconds = Math.Max(CommunicationBound.Seconds(devices, m, n, k, ScalarType.Size<T>()), 0),
        };
    }

    /// <summary>The blocks of C the adaptive policy plans for each device (null where a device gets none), for pictures of the partition.</summary>
    public static IReadOnlyList<GemmTile?> AdaptiveBlocks<T>(IReadOnlyList<SimulatedDevice> devices, int m, int n, int k)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(devices);
        return BlockPartition.Plan(Planner, m, n, k, ScalarType.Size<T>(), readsC: false, devices.Select(Model).ToArray()).Blocks;
    }

    /// <summary>The exact model of a simulated device.</summary>
    private static DeviceModel Model(SimulatedDevice d) => new(
        d.Gflops,
        d.BandwidthGBs is double bw ? bw * 1e9 : double.PositiveInfinity,
        d.LatencyMicroseconds * 1e-6,
        overlapsTransfers: d.OverlapsTransfers && d.BandwidthGBs is not null,
        memoryBytes: d.MemoryGiB is double g ? g * (1L << 30) : double.PositiveInfinity);

    /// <summary>One simulated operation: the event loop and its bookkeeping.</summary>
    private sealed class SimulatedRun
    {
        private readonly IReadOnlyList<SimulatedDevice> devices;
        private readonly GemmWorkload work;
        private readonly SchedulingPolicy policy;
        private readonly TileDispatcher dispatcher;
        private readonly PanelCache?[] caches;
        private readonly PriorityQueue<Event, (double Time, long Sequence)> events = new();
        private readonly List<int> waiting = [];
        private readonly int[] tiles, held, link;
        private readonly double[] busy, bytes;
        private readonly bool[] failed, failing, computing;
        private readonly Queue<int>[] arrived;
        private readonly Queue<Transfer>[] links;
        private readonly bool[] linkBusy;
        private readonly Dictionary<int, (double Start, double Compute)> timing = [];
        private readonly Dictionary<int, int> owner = [];
        private readonly Dictionary<int, Transfer> current = [];
        private long sequence;
        private double makespan;

        public SimulatedRun(IReadOnlyList<SimulatedDevice> devices, TileDispatcher dispatcher, SchedulingPolicy policy)
        {
            this.devices = devices;
            this.dispatcher = dispatcher;
            this.policy = policy;
            work = dispatcher.Work;
            caches = devices.Select(d => d.BandwidthGBs is null ? null : new PanelCache(d.MemoryGiB is double g ? g * (1L << 30) : double.PositiveInfinity)).ToArray();
            int count = devices.Count;
            tiles = new int[count];
            held = new int[count];
            busy = new double[count];
            bytes = new double[count];
            failed = new bool[count];
            failing = new bool[count];
            computing = new bool[count];
            arrived = Enumerable.Range(0, count).Select(_ => new Queue<int>()).ToArray();

            // One link per device, except that the devices of a bus share the first one's.
            var buses = new Dictionary<string, int>();
            link = devices.Select((d, i) => d.Bus is string bus ? buses.TryGetValue(bus, out int shared) ? shared : buses[bus] = i : i).ToArray();
            links = Enumerable.Range(0, count).Select(_ => new Queue<Transfer>()).ToArray();
            linkBusy = new bool[count];
        }

        public SimulationResult Execute()
        {
            for (int d = 0; d < devices.Count; d++)
            {
                Schedule(0, new Event(EventKind.Free, d, -1));
                if (devices[d].FailAtSeconds is double failAt)
                {
                    Schedule(failAt, new Event(EventKind.Fail, d, -1));
                }
            }

            while (events.TryDequeue(out Event e, out (double Time, long) key))
            {
                double now = key.Time;
                if (e.Kind == EventKind.LinkDone)
                {
                    Transferred(e.Device, now);
                }
                else if (!failed[e.Device])
                {
                    Handle(e, now);
                }
            }

            double totalRate = devices.Sum(d => d.Gflops) * 1e9;
            return new SimulationResult(
                policy,
                work.Count,
                dispatcher.IsComplete,
                makespan,
                work.TotalFlops / totalRate,
                bytes.Sum(),
                devices.Select((d, i) => new SimulatedDeviceResult(d.Name, tiles[i], busy[i], makespan > 0 ? Math.Min(1, busy[i] / makespan) : 0, bytes[i], failed[i])).ToArray());
        }

        private void Handle(Event e, double now)
        {
            switch (e.Kind)
            {
                case EventKind.Free:
                    Take(e.Device, now);
                    break;
                case EventKind.Computed:
                    computing[e.Device] = false;
                    busy[e.Device] += timing[e.Tile].Compute;
                    if (caches[e.Device] is null)
                    {
                        Finish(e.Device, e.Tile, now);
                    }
                    else
                    {
                        Send(e.Device, e.Tile, EventKind.Sent, work.BytesC(e.Tile), now);
                        if (Overlaps(e.Device))
                        {
                            held[e.Device]--;
                            Take(e.Device, now);
                        }
                    }

                    StartCompute(e.Device, now);
                    break;
                case EventKind.Received:
                    arrived[e.Device].Enqueue(e.Tile);
                    StartCompute(e.Device, now);
                    break;
                case EventKind.Sent:
                    Finish(e.Device, e.Tile, now);
                    break;
                case EventKind.Fail:
                    // Tiles in flight are lost now; a device holding none fails on the next tile it takes.
                    failing[e.Device] = true;
                    foreach ((int tile, int holder) in owner)
                    {
                        if (holder == e.Device)
                        {
                            Drop(e.Device, tile, now);
                            break;
                        }
                    }

                    break;
            }
        }

        private bool Overlaps(int device) => devices[device].OverlapsTransfers && caches[device] is not null;

        /// <summary>Takes tiles while the device has room for one more (<see cref="BlockPartition.StreamDepth"/> when it overlaps transfers).</summary>
        private void Take(int device, double now)
        {
            while (held[device] < (Overlaps(device) ? BlockPartition.StreamDepth : 1))
            {
                switch (dispatcher.TryTake(device, out int tile))
                {
                    case TakeResult.Item:
                        held[device]++;
                        owner[tile] = device;
                        timing[tile] = (now, (devices[device].LatencyMicroseconds * 1e-6) + (work.Flops(tile) / (devices[device].Gflops * 1e9)));
                        if (failing[device])
                        {
                            Drop(device, tile, now);
                            return;
                        }

                        if (caches[device] is PanelCache cache)
                        {
                            double missing = cache.Fetch('A', work.PanelA(tile), work.BytesA(tile)) + cache.Fetch('B', work.PanelB(tile), work.BytesB(tile));
                            Send(device, tile, EventKind.Received, missing, now);
                        }
                        else
                        {
                            arrived[device].Enqueue(tile);
                            StartCompute(device, now);
                        }

                        break;
                    case TakeResult.Wait:
                        waiting.Add(device);
                        return;
                    default:
                        return;
                }
            }
        }

        private void StartCompute(int device, double now)
        {
            if (!computing[device] && arrived[device].TryDequeue(out int tile))
            {
                computing[device] = true;
                Schedule(now + timing[tile].Compute, new Event(EventKind.Computed, device, tile));
            }
        }

        /// <summary>The tile is back in host memory: done.</summary>
        private void Finish(int device, int tile, double now)
        {
            // A device that overlaps reports its compute time; one that copies in turn, the whole round trip.
            dispatcher.Complete(device, tile, Overlaps(device) ? timing[tile].Compute : now - timing[tile].Start);
            owner.Remove(tile);
            tiles[device]++;
            makespan = Math.Max(makespan, now);
            if (!Overlaps(device))
            {
                held[device]--;
            }

            Wake(now);
            Take(device, now);
        }

        /// <summary>The device fails: every tile it holds goes back to the dispatcher for the others.</summary>
        private void Drop(int device, int tile, double now)
        {
            dispatcher.Fail(device, tile);
            failed[device] = true;
            foreach (int t in owner.Where(p => p.Value == device).Select(p => p.Key).ToArray())
            {
                owner.Remove(t);
            }

            Wake(now);
        }

        /// <summary>Queues a transfer on the device's link; <paramref name="done"/> is raised when it ends.</summary>
        private void Send(int device, int tile, EventKind done, double size, double now)
        {
            if (size == 0)
            {
                Schedule(now, new Event(done, device, tile));
                return;
            }

            bytes[device] += size;
            links[link[device]].Enqueue(new Transfer(device, tile, done, size));
            if (!linkBusy[link[device]])
            {
                Transferred(link[device], now, starting: true);
            }
        }

        /// <summary>The link's transfer in progress ended (or it was idle): raise its event and start the next one.</summary>
        private void Transferred(int line, double now, bool starting = false)
        {
            if (!starting && current.Remove(line, out Transfer finished) && !failed[finished.Device])
            {
                Handle(new Event(finished.Done, finished.Device, finished.Tile), now);
            }

            linkBusy[line] = false;
            while (links[line].TryDequeue(out Transfer next))
            {
                if (failed[next.Device])
                {
                    continue;
                }

                linkBusy[line] = true;
                current[line] = next;
                Schedule(now + (next.Bytes / (devices[line].BandwidthGBs!.Value * 1e9)), new Event(EventKind.LinkDone, line, -1));
                return;
            }
        }

        /// <summary>Devices waiting for work ask again: a completion or failure may have changed what is left.</summary>
        private void Wake(double now)
        {
            foreach (int device in waiting)
            {
                Schedule(now, new Event(EventKind.Free, device, -1));
            }

            waiting.Clear();
        }

        private void Schedule(double time, Event e) => events.Enqueue(e, (time, sequence++));
    }

    private enum EventKind
    {
        Free,
        Received,
        Computed,
        Sent,
        LinkDone,
        Fail,
    }

    private readonly record struct Event(EventKind Kind, int Device, int Tile);

    private readonly record struct Transfer(int Device, int Tile, EventKind Done, double Bytes);
}
