using GpuCompute.Scheduling;

namespace GpuCompute.Tasks;

/// <summary>
/// Hands a task graph's ready tasks to devices as they ask, by the engine's <see cref="SchedulingPolicy"/>. Adaptive
/// (the default, StarPU's dmda on measured speeds): the highest critical-path priority first among the tasks the
/// device may run, and only where it would finish soonest: each worker's speed is learned from the tasks it
/// completes, and a worker passes a task up when another that may run it would finish it earlier, counting what that
/// one still has in flight and the time to bring the task's tiles to each (so a slow emulator beside the CPU takes one
/// task, is measured, and then takes only what it can finish in time; and a device that holds a task's tiles is
/// preferred). The others decide a task's worker when it becomes ready, blind to where its tiles are: Weighted in
/// proportion to the workers' speeds, RoundRobin in turn, Random by a seeded draw. A device that fails is dropped and
/// its tasks go to others that may run them (their tiles still valid elsewhere). When what is left can no longer run
/// (only failed devices could run it, or a tile's only copy was lost), every device is told it is finished and the
/// executor reports the failure. A device whose transfers overlap its computing
/// (<see cref="Backends.ComputeDevice.OverlapsTransfers"/>) is given its next task as it takes one, chosen by the same
/// rules with the task it is starting counted as its backlog, and <see cref="Prefetch"/> starts bringing that task's
/// tiles to it meanwhile (StarPU prefetches when it pushes a task to a worker's queue).
/// </summary>
internal sealed class TaskGraphDispatcher : IWorkDispatcher
{
    /// <summary>Adaptive looks at this many of the highest-priority tasks it would run and takes the one whose tiles it
    /// holds most of (the first whose tiles are all there at once): locality without losing the critical path.</summary>
    private const int Window = 8;

    private readonly TaskGraph graph;
    private readonly IReadOnlyList<Backends.ComputeDevice> workers;
    private readonly bool[,] eligible;
    private readonly double[] priority;
    private readonly int[] waitingFor;
    private readonly List<int> ready = [];
    private readonly bool[] alive;
    private readonly int[] inFlight;
    private readonly double[] speed;
    private readonly double[] startedAt;
    private readonly Func<double> clock;
    private readonly Func<int, int, double> transferSeconds;
    private readonly SchedulingPolicy policy;
    private readonly Random draw;
    private readonly int[] owner;
    private readonly double[] assigned;
    private readonly int[] next;
    private int turn;

    /// <summary>A dispatcher over <paramref name="devices"/> (one worker each), starting from the speeds earlier graphs
    /// measured (<paramref name="knownSpeeds"/>, flops per second by worker, 0 where unknown); <paramref name="clock"/>
    /// gives seconds (tests pass their own); <paramref name="transferSeconds"/> (task, worker) the time to bring the
    /// task's tiles where that worker computes (none when null: transfers free).</summary>
    public TaskGraphDispatcher(
        TaskGraph graph, IReadOnlyList<Backends.ComputeDevice> devices, IReadOnlyList<double>? knownSpeeds = null, Func<double>? clock = null,
        Func<int, int, double>? transferSeconds = null, SchedulingPolicy policy = SchedulingPolicy.Adaptive, int seed = 12345)
    {
        this.transferSeconds = transferSeconds ?? ((_, _) => 0);
        this.policy = policy;
        draw = new Random(seed);
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        this.clock = clock ?? (() => System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds);
        this.graph = graph;
        workers = devices;
        int count = graph.Tasks.Count;
        eligible = new bool[count, devices.Count];
        waitingFor = new int[count];
        for (int t = 0; t < count; t++)
        {
            waitingFor[t] = graph.Predecessors(t).Count;
            if (waitingFor[t] == 0)
            {
                ready.Add(t);
            }

            for (int d = 0; d < devices.Count; d++)
            {
                eligible[t, d] = graph.Tasks[t].CanRun(devices[d]);
            }
        }

        priority = graph.CriticalPath();
        alive = [.. Enumerable.Repeat(true, devices.Count)];
        inFlight = [.. Enumerable.Repeat(-1, devices.Count)];
        speed = knownSpeeds is null ? new double[devices.Count] : [.. knownSpeeds];
        startedAt = new double[devices.Count];
        owner = new int[count];
        Array.Fill(owner, -1);
        assigned = new double[devices.Count];
        next = [.. Enumerable.Repeat(-1, devices.Count)];
        foreach (int t in ready)
        {
            Assign(t);
        }
    }

    /// <summary>Called (task, worker) under the executor's lock when a task is set aside as a worker's next one, to
    /// start its transfers there; it must return at once.</summary>
    public Action<int, int>? Prefetch { get; set; }

    /// <summary>Each worker's learned speed in flops per second (0 until it completed a task).</summary>
    public IReadOnlyList<double> Speeds => speed;

    public int Completed { get; private set; }

    public bool IsComplete => Completed == graph.Tasks.Count;

    public bool AllFailed => !alive.Contains(true);

    /// <summary>Always: a device waits for tasks that others are computing.</summary>
    public bool DevicesWaitForEachOther => true;

    public TakeResult TryTake(int device, out int item)
    {
        item = -1;
        if (!alive[device] || IsComplete || graph.Copies?.Directory.Lost.Count > 0)
        {
            return TakeResult.Finished; // (a tile whose only copy was lost: the graph cannot finish correctly)
        }

        int best = next[device] >= 0 ? next[device] : Choose(device, backlog: 0);
        next[device] = -1;
        if (best >= 0)
        {
            ready.Remove(best);
            inFlight[device] = best;
            startedAt[device] = clock();
            item = best;
            if (workers[device].OverlapsTransfers && Prefetch is not null)
            {
                // The next task, chosen as if this one were already queued before it, so its tiles travel while this
                // one computes.
                double backlog = speed[device] > 0 ? graph.Tasks[best].Flops / speed[device] : 0;
                int following = Choose(device, backlog);
                if (following >= 0)
                {
                    ready.Remove(following);
                    next[device] = following;
                    Prefetch(following, device);
                }
            }

            return TakeResult.Item;
        }

        return Stuck() ? TakeResult.Finished : TakeResult.Wait;
    }

    /// <summary>The ready task <paramref name="device"/> would take now, or −1: the highest priority first, among the
    /// tasks this worker may run and would finish soonest (after <paramref name="backlog"/> seconds of its own work).
    /// Tasks passed up in this scan count as the other workers' work, so one idle worker does not take everything.</summary>
    private int Choose(int device, double backlog)
    {
        int best = -1, seen = 0;
        double bestTransfer = double.PositiveInfinity;
        var promised = new double[alive.Length];
        foreach (int t in ready.OrderByDescending(t => priority[t]).ThenBy(t => t))
        {
            if (policy != SchedulingPolicy.Adaptive)
            {
                if (owner[t] == device)
                {
                    return t;
                }

                continue;
            }

            if (eligible[t, device] && !FasterElsewhere(device, t, promised, backlog))
            {
                double transfer = transferSeconds(t, device);
                if (transfer < bestTransfer)
                {
                    (best, bestTransfer) = (t, transfer);
                }

                if (transfer == 0 || ++seen == Window)
                {
                    break;
                }
            }
        }

        return best;
    }

    public double InFlightBytes(int device) => 0; // tasks compute on host tiles in place; devices count their own copies

    public void Complete(int device, int item, double seconds)
    {
        inFlight[device] = -1;
        double flops = graph.Tasks[item].Flops;
        if (flops > 0 && seconds > 0)
        {
            double measured = flops / seconds;
            speed[device] = speed[device] == 0 ? measured : (0.7 * speed[device]) + (0.3 * measured);
        }

        Completed++;
        foreach (int next in graph.Successors(item))
        {
            if (--waitingFor[next] == 0)
            {
                ready.Add(next);
                Assign(next);
            }
        }
    }

    public void Fail(int device, int item)
    {
        alive[device] = false;
        inFlight[device] = -1;
        ready.Add(item);
        if (next[device] >= 0)
        {
            ready.Add(next[device]); // the task set aside for it goes back too
            next[device] = -1;
        }

        foreach (int t in ready.Where(t => owner[t] == device || t == item))
        {
            Assign(t);
        }
    }

    /// <summary>Under the policies that decide a task's worker when it becomes ready, decides it: among the live
    /// workers that may run it, by speed share (Weighted: the one whose assigned work, counting this task, would end
    /// soonest), in turn (RoundRobin) or by a seeded draw (Random). Adaptive decides at take time instead.</summary>
    private void Assign(int task)
    {
        if (policy == SchedulingPolicy.Adaptive)
        {
            return;
        }

        int[] candidates = [.. Enumerable.Range(0, alive.Length).Where(w => alive[w] && eligible[task, w])];
        if (candidates.Length == 0)
        {
            owner[task] = -1; // nobody may run it: Stuck() sees to it
            return;
        }

        double flops = graph.Tasks[task].Flops;
        double Seconds(int w) => flops / (speed[w] > 0 ? speed[w] : 1e9);
        owner[task] = policy switch
        {
            SchedulingPolicy.Weighted => candidates.MinBy(w => assigned[w] + Seconds(w)),
            SchedulingPolicy.RoundRobin => candidates[turn++ % candidates.Length],
            _ => candidates[draw.Next(candidates.Length)],
        };
        assigned[owner[task]] += Seconds(owner[task]);
    }

    /// <summary>True when another live worker that may run <paramref name="task"/> would finish it sooner than
    /// <paramref name="device"/> would (another device), or in less than half the time (another lane of the same
    /// device), by the speeds measured so far and the time to bring the task's tiles to each (so a device that holds
    /// them is preferred, as StarPU's dmda does), counting what it has in flight and what it was
    /// <paramref name="promised"/> in this scan (which then grows by this task). The factor of two keeps like workers
    /// (the CPU's lanes) from passing work to each other over noise; between devices the earliest finish decides, so
    /// a slow device takes a task only when the fast ones' backlog is longer than its own time for it. A worker not yet
    /// measured is never passed over, and never passes a task up: it must run one to be measured. Its own
    /// <paramref name="backlog"/> (the task it is starting, when its next one is chosen) comes first.</summary>
    private bool FasterElsewhere(int device, int task, double[] promised, double backlog)
    {
        double flops = graph.Tasks[task].Flops;
        if (speed[device] == 0 || flops == 0)
        {
            return false;
        }

        double now = clock(), mine = backlog + (flops / speed[device]) + transferSeconds(task, device);
        for (int other = 0; other < alive.Length; other++)
        {
            if (other == device || !alive[other] || !eligible[task, other] || speed[other] == 0)
            {
                continue;
            }

            double busy = promised[other] + (inFlight[other] < 0 ? 0 : Math.Max(0, startedAt[other] + (graph.Tasks[inFlight[other]].Flops / speed[other]) - now));
            double theirs = (flops / speed[other]) + transferSeconds(task, other);
            double margin = ReferenceEquals(workers[device], workers[other]) ? 2 : 1;
            if (margin * (busy + theirs) < mine)
            {
                promised[other] += theirs;
                return true;
            }
        }

        return false;
    }

    /// <summary>Nothing is running or set aside and no ready task has a live device that may run it: the graph cannot
    /// finish.</summary>
    private bool Stuck()
    {
        if (inFlight.Any(t => t >= 0) || next.Any(t => t >= 0))
        {
            return false;
        }

        foreach (int t in ready)
        {
            for (int d = 0; d < alive.Length; d++)
            {
                if (alive[d] && eligible[t, d])
                {
                    return false;
                }
            }
        }

        return true;
    }
}
