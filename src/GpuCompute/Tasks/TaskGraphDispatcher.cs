using GpuCompute.Scheduling;

namespace GpuCompute.Tasks;

/// <summary>
/// Hands a task graph's ready tasks to devices as they ask: the highest critical-path priority first among those the
/// device may run. A task becomes ready when its last predecessor completes. A device that fails is dropped and its
/// task goes back to the ready set for another device (its data is in host memory, written only by tasks that
/// finished). When what is left can no longer run (only failed devices could run it), every device is told it is
/// finished and the executor reports the failure.
/// </summary>
internal sealed class TaskGraphDispatcher : IWorkDispatcher
{
    private readonly TaskGraph graph;
    private readonly bool[,] eligible;
    private readonly double[] priority;
    private readonly int[] waitingFor;
    private readonly List<int> ready = [];
    private readonly bool[] alive;
    private readonly int[] inFlight;

    public TaskGraphDispatcher(TaskGraph graph, IReadOnlyList<Backends.ComputeDevice> devices)
    {
        this.graph = graph;
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
    }

    public int Completed { get; private set; }

    public bool IsComplete => Completed == graph.Tasks.Count;

    public bool AllFailed => !alive.Contains(true);

    /// <summary>Always: a device waits for tasks that others are computing.</summary>
    public bool DevicesWaitForEachOther => true;

    public TakeResult TryTake(int device, out int item)
    {
        item = -1;
        if (!alive[device] || IsComplete)
        {
            return TakeResult.Finished;
        }

        int best = -1;
        foreach (int t in ready)
        {
            if (eligible[t, device] && (best < 0 || priority[t] > priority[best] || (priority[t] == priority[best] && t < best)))
            {
                best = t;
            }
        }

        if (best >= 0)
        {
            ready.Remove(best);
            inFlight[device] = best;
            item = best;
            return TakeResult.Item;
        }

        return Stuck() ? TakeResult.Finished : TakeResult.Wait;
    }

    public double InFlightBytes(int device) => 0; // tasks compute on host tiles in place; devices count their own copies

    public void Complete(int device, int item, double seconds)
    {
        inFlight[device] = -1;
        Completed++;
        foreach (int next in graph.Successors(item))
        {
            if (--waitingFor[next] == 0)
            {
                ready.Add(next);
            }
        }
    }

    public void Fail(int device, int item)
    {
        alive[device] = false;
        inFlight[device] = -1;
        ready.Add(item);
    }

    /// <summary>Nothing is running and no ready task has a live device that may run it: the graph cannot finish.</summary>
    private bool Stuck()
    {
        if (inFlight.Any(t => t >= 0))
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
