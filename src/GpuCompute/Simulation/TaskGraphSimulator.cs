using GpuCompute.Backends;
using GpuCompute.Scheduling;
using GpuCompute.Tasks;

namespace GpuCompute.Simulation;

/// <summary>
/// Runs a task graph on modelled devices in virtual time with the engine's own dispatcher (dependencies, priorities,
/// the policy's choice) and its own tile books (<see cref="TileDirectory"/>: copies valid in several places, writes,
/// write-backs, LRU eviction under each device's <c>mem</c>). A device without a link (<c>bw</c>) computes in host
/// memory; one with a link receives each tile a task reads and does not hold, over its link (or the bus it shares), and
/// writes a tile back when host memory or another device needs the only valid copy. Such a device overlaps transfers
/// with compute by default (<c>overlap=1</c>: two lanes share its compute unit, so the next task's tiles arrive while
/// the current one computes, a prefetch); with <c>overlap=0</c> it copies, then computes. A task computes in
/// flops / the device's GFLOP/s. The result is the makespan beside two lower bounds: the ideal (all flops over the
/// devices' summed speed, transfers free) and the critical path on the fastest device.
/// </summary>
internal static class TaskGraphSimulator
{
    /// <summary>What a simulated graph did.</summary>
    public sealed record Result(
        double Makespan, double Ideal, double CriticalPath, double Flops, int Tasks, IReadOnlyList<DeviceResult> Devices, IReadOnlyList<TaskSpan> Trace)
    {
        /// <summary>The ideal over the makespan.</summary>
        public double Efficiency => Makespan > 0 ? Ideal / Makespan : 1;

        /// <summary>Bytes moved over every link.</summary>
        public double BytesMoved => Devices.Sum(d => d.BytesMoved);
    }

    /// <summary>One device's part: tasks, seconds computing, bytes over its link, seconds the link was busy, and the
    /// most bytes of tile copies it held at once.</summary>
    public sealed record DeviceResult(string Name, int Tasks, double BusySeconds, double BytesMoved, double LinkSeconds, long PeakBytes);

    /// <summary>One task in the trace: where (device and lane), its tiles' arrival from <paramref name="TransferStart"/>
    /// to <paramref name="Start"/> (equal when nothing moved), and its compute from <paramref name="Start"/> to
    /// <paramref name="End"/>.</summary>
    public readonly record struct TaskSpan(string Device, int Lane, string Task, double TransferStart, double TransferEnd, double Start, double End);

    public static Result Run(TaskGraph graph, IReadOnlyList<SimulatedDevice> devices, SchedulingPolicy policy = SchedulingPolicy.Adaptive)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(devices);
        if (devices.Count == 0)
        {
            throw new ArgumentException("The simulation needs at least one device.", nameof(devices));
        }

        // Workers: one per device, two for a linked device that overlaps its copies with compute.
        int[] deviceOf = [.. devices.SelectMany((d, i) => Enumerable.Repeat(i, d.BandwidthGBs is not null && d.OverlapsTransfers ? 2 : 1))];
        int[] laneOf = [.. deviceOf.Select((d, w) => w - Array.IndexOf(deviceOf, d))];
        var modelled = devices.Select(d => (ComputeDevice)new ModelledDevice(d.Name)).ToArray();
        var stand = deviceOf.Select(d => modelled[d]).ToArray(); // a device's lanes are one device to the dispatcher
        double[] speed = [.. devices.Select(d => d.Gflops * 1e9)];
        int Location(int device) => devices[device].BandwidthGBs is null ? TileDirectory.Host : device;
        var books = new TileDirectory([.. devices.Select(d => d.MemoryGiB is double g ? (long)(g * (1L << 30)) : long.MaxValue)]);
        Func<int, long> bytes = graph.HandleBytes ?? (_ => 0);
        foreach (int handle in graph.Tasks.SelectMany(t => t.Accesses).Select(a => a.Handle).Distinct())
        {
            books.Register(handle, bytes(handle));
        }

        // Links: a device's own, or the bus it shares; a host-memory device has none.
        string?[] link = [.. devices.Select(d => d.BandwidthGBs is null ? null : d.Bus ?? $"link:{d.Name}")];
        var linkFree = link.Where(l => l is not null).Distinct().ToDictionary(l => l!, _ => 0.0);
        double LinkSeconds(int device, long size) => (devices[device].LatencyMicroseconds * 1e-6) + (size / (devices[device].BandwidthGBs!.Value * 1e9));
        double meanLink = devices.Where(d => d.BandwidthGBs is not null).Select(d => d.BandwidthGBs!.Value * 1e9).DefaultIfEmpty(double.PositiveInfinity).Average();

        double now = 0;
        double TransferEstimate(int task, int worker)
        {
            int device = deviceOf[worker], where = Location(device);
            double missing = books.MissingBytes(graph.Tasks[task].Accesses, where);
            return missing == 0 ? 0 : where == TileDirectory.Host ? missing / meanLink : missing / (devices[device].BandwidthGBs!.Value * 1e9);
        }

        var dispatcher = new TaskGraphDispatcher(graph, stand, [.. deviceOf.Select(d => speed[d])], () => now, TransferEstimate, policy);
        var computeFree = new double[devices.Count];
        var running = new int[deviceOf.Length];
        var takenAt = new double[deviceOf.Length];
        var finish = new double[deviceOf.Length];
        var tasks = new int[devices.Count];
        var busy = new double[devices.Count];
        var moved = new double[devices.Count];
        var linkBusy = new double[devices.Count];
        var trace = new List<TaskSpan>(graph.Tasks.Count);
        Array.Fill(running, -1);
        while (!dispatcher.IsComplete)
        {
            bool started = false;
            for (int w = 0; w < deviceOf.Length; w++)
            {
                if (running[w] >= 0 || dispatcher.TryTake(w, out int task) != TakeResult.Item)
                {
                    continue;
                }

                int device = deviceOf[w];
                double arrived = now;
                foreach (var (handle, access) in graph.Tasks[task].Accesses)
                {
                    foreach (TileTransfer step in books.Acquire(handle, Location(device), access))
                    {
                        if (step.Kind is TileTransferKind.Upload or TileTransferKind.Download)
                        {
                            // A task's copies arrive one after another, each when its link is free.
                            string over = link[step.Device]!;
                            double begin = Math.Max(arrived, linkFree[over]), seconds = LinkSeconds(step.Device, step.Bytes);
                            arrived = linkFree[over] = begin + seconds;
                            moved[step.Device] += step.Bytes;
                            linkBusy[step.Device] += seconds;
                        }
                    }
                }

                double start = Math.Max(arrived, computeFree[device]);
                running[w] = task;
                takenAt[w] = now;
                finish[w] = computeFree[device] = start + (graph.Tasks[task].Flops / speed[device]);
                trace.Add(new TaskSpan(devices[device].Name, laneOf[w], graph.Tasks[task].Name, now, arrived, start, finish[w]));
                started = true;
            }

            if (started)
            {
                continue; // another worker may take a task the first ones passed up
            }

            int next = -1;
            for (int w = 0; w < deviceOf.Length; w++)
            {
                if (running[w] >= 0 && (next < 0 || finish[w] < finish[next]))
                {
                    next = w;
                }
            }

            if (next < 0)
            {
                throw new InvalidOperationException("The simulated graph stopped with tasks left and none running; this is a bug.");
            }

            int done = running[next], on = deviceOf[next];
            now = Math.Max(now, finish[next]);
            foreach (var (handle, access) in graph.Tasks[done].Accesses)
            {
                books.Release(handle, Location(on), access, succeeded: true);
            }

            dispatcher.Complete(next, done, finish[next] - takenAt[next]);
            busy[on] += graph.Tasks[done].Flops / speed[on];
            tasks[on]++;
            running[next] = -1;
        }

        // The results a device holds alone go back to host memory before the graph is done.
        double end = now;
        foreach (TileTransfer step in books.Flush())
        {
            if (step.Kind == TileTransferKind.Download)
            {
                string over = link[step.Device]!;
                double seconds = LinkSeconds(step.Device, step.Bytes);
                end = Math.Max(end, linkFree[over] = Math.Max(now, linkFree[over]) + seconds);
                moved[step.Device] += step.Bytes;
                linkBusy[step.Device] += seconds;
            }
        }

        now = end;
        double flops = graph.Tasks.Sum(t => t.Flops), fastest = speed.Max();
        double critical = graph.Tasks.Count == 0 ? 0 : graph.CriticalPath().Max() / fastest;
        return new Result(
            now, flops / speed.Sum(), critical, flops, graph.Tasks.Count,
            [.. devices.Select((d, i) => new DeviceResult(d.Name, tasks[i], busy[i], moved[i], linkBusy[i], books.PeakBytes[i]))], trace);
    }

    /// <summary>A device the dispatcher can weigh but nothing runs on: every modelled device may run every task.</summary>
    private sealed class ModelledDevice(string name) : ComputeDevice(name, name, DeviceKind.Cpu, long.MaxValue)
    {
        internal override bool ComputesInHostMemory => true;

        internal override void RunGemmTile<T>(Gemm.GemmProblem<T> problem, Gemm.GemmTile tile, CancellationToken cancellation) =>
            throw new NotSupportedException("A modelled device computes nothing.");
    }
}
