using GpuCompute.Backends;
using GpuCompute.Tasks;

namespace GpuCompute.Simulation;

/// <summary>
/// Runs a task graph on modelled devices in virtual time with the engine's own dispatcher (dependencies, priorities,
/// the dmda-like choice): each device computes a task in flops / its GFLOP/s, transfers free, one task at a time. The
/// result is the makespan beside two lower bounds: the ideal (all flops over the devices' summed speed) and the
/// critical path on the fastest device.
/// </summary>
internal static class TaskGraphSimulator
{
    /// <summary>What a simulated graph did.</summary>
    public sealed record Result(double Makespan, double Ideal, double CriticalPath, double Flops, int Tasks, IReadOnlyList<(string Name, int Tasks, double BusySeconds)> Devices)
    {
        /// <summary>The ideal over the makespan.</summary>
        public double Efficiency => Makespan > 0 ? Ideal / Makespan : 1;
    }

    public static Result Run(TaskGraph graph, IReadOnlyList<SimulatedDevice> devices)
    {
        ArgumentNullException.ThrowIfNull(graph);
        if (devices.Count == 0)
        {
            throw new ArgumentException("The simulation needs at least one device.", nameof(devices));
        }

        double now = 0;
        var stand = devices.Select(d => (ComputeDevice)new ModelledDevice(d.Name)).ToArray();
        double[] speeds = [.. devices.Select(d => d.Gflops * 1e9)];
        var dispatcher = new TaskGraphDispatcher(graph, stand, speeds, () => now);
        var finish = new double[devices.Count];
        var running = new int[devices.Count];
        var tasks = new int[devices.Count];
        var busy = new double[devices.Count];
        Array.Fill(running, -1);
        while (!dispatcher.IsComplete)
        {
            bool started = false;
            for (int d = 0; d < devices.Count; d++)
            {
                if (running[d] < 0 && dispatcher.TryTake(d, out int task) == Scheduling.TakeResult.Item)
                {
                    double seconds = graph.Tasks[task].Flops / speeds[d];
                    running[d] = task;
                    finish[d] = now + seconds;
                    started = true;
                }
            }

            if (started)
            {
                continue; // another device may take a task the first ones passed up
            }

            int next = -1;
            for (int d = 0; d < devices.Count; d++)
            {
                if (running[d] >= 0 && (next < 0 || finish[d] < finish[next]))
                {
                    next = d;
                }
            }

            if (next < 0)
            {
                throw new InvalidOperationException("The simulated graph stopped with tasks left and none running; this is a bug.");
            }

            double duration = graph.Tasks[running[next]].Flops / speeds[next];
            now = Math.Max(now, finish[next]);
            dispatcher.Complete(next, running[next], duration);
            busy[next] += duration;
            tasks[next]++;
            running[next] = -1;
        }

        double flops = graph.Tasks.Sum(t => t.Flops), fastest = speeds.Max();
        double critical = graph.Tasks.Count == 0 ? 0 : graph.CriticalPath().Max() / fastest;
        return new Result(now, flops / speeds.Sum(), critical, flops, graph.Tasks.Count, [.. devices.Select((d, i) => (d.Name, tasks[i], busy[i]))]);
    }

    /// <summary>A device the dispatcher can weigh but nothing runs on: every modelled device may run every task.</summary>
    private sealed class ModelledDevice(string name) : ComputeDevice(name, name, DeviceKind.Cpu, long.MaxValue)
    {
        internal override bool ComputesInHostMemory => true;

        internal override void RunGemmTile<T>(Gemm.GemmProblem<T> problem, Gemm.GemmTile tile, CancellationToken cancellation) =>
            throw new NotSupportedException("A modelled device computes nothing.");
    }
}
