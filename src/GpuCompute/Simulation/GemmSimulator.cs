using System.Numerics;
using GpuCompute.Matrices;
using GpuCompute.Scheduling;

namespace GpuCompute.Simulation;

/// <summary>
/// A discrete-event simulator that runs the engine's own scheduling code (<see cref="TileDispatcher"/>) against
/// modelled devices in virtual time, so policies can be studied on 1 to 64 devices and matrices far larger than this
/// machine in seconds.
/// </summary>
/// <remarks>
/// A tile on a device takes latency + bytes it must receive and send / bandwidth + flops / throughput. Panels of A and
/// B stay resident on a device until its memory is full (LRU). The dispatcher plans with exact device models, as
/// after a perfect calibration, and refines them from the simulated tile times as it does on real devices.
/// </remarks>
public static class GemmSimulator
{
    /// <summary>
    /// Tiles for simulations: edges from 256 to 8192, at least 64 tiles per device where the edges allow, and products
    /// under 2·256³ flops left whole, as in real runs.
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

        var work = new GemmWorkload(Planner.Plan(m, n, k, devices.Count), k, ScalarType.Size<T>(), readsC: false);
        return new SimulatedRun(devices, work, policy, seed).Execute() with
        {
            LowerBoundSeconds = Math.Max(CommunicationBound.Seconds(devices, m, n, k, ScalarType.Size<T>()), 0),
        };
    }

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
        private readonly int[] tiles;
        private readonly double[] busy, bytes;
        private readonly bool[] failed;
        private long sequence;
        private double makespan;

        public SimulatedRun(IReadOnlyList<SimulatedDevice> devices, GemmWorkload work, SchedulingPolicy policy, int seed)
        {
            this.devices = devices;
            this.work = work;
            this.policy = policy;
            var models = devices
                .Select(d => new DeviceModel(d.Gflops, d.BandwidthGBs is double bw ? bw * 1e9 : double.PositiveInfinity, d.LatencyMicroseconds * 1e-6))
                .ToArray();
            dispatcher = TileDispatcher.Create(policy, work, models, seed);
            caches = devices.Select(d => d.BandwidthGBs is null ? null : new PanelCache(d.MemoryGiB is double g ? g * (1L << 30) : double.PositiveInfinity)).ToArray();
            tiles = new int[devices.Count];
            busy = new double[devices.Count];
            bytes = new double[devices.Count];
            failed = new bool[devices.Count];
        }

        public SimulationResult Execute()
        {
            for (int d = 0; d < devices.Count; d++)
            {
                Schedule(0, new Event(EventKind.Free, d, -1, 0));
            }

            while (events.TryDequeue(out Event e, out (double Time, long) key))
            {
                double now = key.Time;
                switch (e.Kind)
                {
                    case EventKind.Free:
                        Take(e.Device, now);
                        break;
                    case EventKind.Complete:
                        dispatcher.Complete(e.Device, e.Tile, e.Duration);
                        tiles[e.Device]++;
                        busy[e.Device] += e.Duration;
                        makespan = Math.Max(makespan, now);
                        Wake(now);
                        Take(e.Device, now);
                        break;
                    case EventKind.Fail:
                        dispatcher.Fail(e.Device, e.Tile);
                        failed[e.Device] = true;
                        busy[e.Device] += e.Duration;
                        Wake(now);
                        break;
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

        private void Take(int device, double now)
        {
            switch (dispatcher.TryTake(device, out int tile))
            {
                case TakeResult.Item:
                    SimulatedDevice model = devices[device];
                    double moved = Transfer(device, tile);
                    bytes[device] += moved;
                    double duration = (model.LatencyMicroseconds * 1e-6)
                        + (model.BandwidthGBs is double bw ? moved / (bw * 1e9) : 0)
                        + (work.Flops(tile) / (model.Gflops * 1e9));
                    if (model.FailAtSeconds is double failAt && now + duration > failAt)
                    {
                        Schedule(Math.Max(now, failAt), new Event(EventKind.Fail, device, tile, Math.Max(0, failAt - now)));
                    }
                    else
                    {
                        Schedule(now + duration, new Event(EventKind.Complete, device, tile, duration));
                    }

                    break;
                case TakeResult.Wait:
                    waiting.Add(device);
                    break;
                case TakeResult.Finished:
                    break;
            }
        }

        /// <summary>Bytes the device must receive (panels it lacks) and send (its block of C) for a tile.</summary>
        private double Transfer(int device, int tile) =>
            caches[device] is not PanelCache cache ? 0
            : cache.Fetch('A', work.PanelA(tile), work.BytesA(tile)) + cache.Fetch('B', work.PanelB(tile), work.BytesB(tile)) + work.BytesC(tile);

        /// <summary>Devices waiting for work ask again: a completion or failure may have changed what is left.</summary>
        private void Wake(double now)
        {
            foreach (int device in waiting)
            {
                Schedule(now, new Event(EventKind.Free, device, -1, 0));
            }

            waiting.Clear();
        }

        private void Schedule(double time, Event e) => events.Enqueue(e, (time, sequence++));
    }

    private enum EventKind
    {
        Free,
        Complete,
        Fail,
    }

    private readonly record struct Event(EventKind Kind, int Device, int Tile, double Duration);
}
