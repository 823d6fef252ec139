namespace GpuCompute.Tasks;

/// <summary>
/// Tasks submitted in program order with their data accesses, and the dependencies inferred from that order
/// (sequential task flow, as StarPU's STF or PaRSEC's DTD): a task waits for the last writer of what it reads, and a
/// writer also for every reader since that write. Nobody writes a dependency by hand.
/// </summary>
/// <remarks>Because a task can only depend on tasks submitted before it, task ids are a topological order; the
/// critical-path priority (a task's cost plus the costliest chain after it) is computed in one backward pass.</remarks>
internal sealed class TaskGraph
{
    private readonly List<GraphTask> tasks = [];
    private readonly List<HashSet<int>> predecessors = [];
    private readonly List<List<int>> successors = [];
    private readonly Dictionary<int, (int LastWriter, List<int> Readers)> handles = [];

    /// <summary>The device copies of the graph's tiles, when its tasks use them (null: every task computes on host
    /// tiles).</summary>
    public ITileCopies? Copies { get; init; }

    /// <summary>Each handle's size in bytes (the simulator moves modelled tiles by it); null when unknown.</summary>
    public Func<int, long>? HandleBytes { get; init; }

    /// <summary>The tasks, by id.</summary>
    public IReadOnlyList<GraphTask> Tasks => tasks;

    /// <summary>Submits <paramref name="task"/>; returns its id.</summary>
    public int Add(GraphTask task)
    {
        int id = tasks.Count;
        tasks.Add(task);
        predecessors.Add([]);
        successors.Add([]);
        foreach (var (handle, access) in task.Accesses)
        {
            if (!handles.TryGetValue(handle, out var state))
            {
                state = (-1, []);
            }

            if (state.LastWriter >= 0)
            {
                Depend(id, state.LastWriter); // read after write, and write after write
            }

            if (access == DataAccess.Read)
            {
                state.Readers.Add(id);
            }
            else
            {
                foreach (int reader in state.Readers)
                {
                    Depend(id, reader); // write after read
                }

                state = (id, []);
            }

            handles[handle] = state;
        }

        return id;
    }

    /// <summary>Narrows where tasks may run: a task then runs only on devices <paramref name="allowed"/> accepts as
    /// well (tests pin tasks to a device this way).</summary>
    public void Restrict(Func<GraphTask, Backends.ComputeDevice, bool> allowed)
    {
        for (int i = 0; i < tasks.Count; i++)
        {
            GraphTask task = tasks[i];
            tasks[i] = task with { CanRun = d => task.CanRun(d) && allowed(task, d) };
        }
    }

    /// <summary>The tasks <paramref name="id"/> waits for.</summary>
    public IReadOnlySet<int> Predecessors(int id) => predecessors[id];

    /// <summary>The tasks that wait for <paramref name="id"/>.</summary>
    public IReadOnlyList<int> Successors(int id) => successors[id];

    /// <summary>Each task's priority: its flops plus those of the costliest chain of tasks after it (bottom level).</summary>
    public double[] CriticalPath()
    {
        var level = new double[tasks.Count];
        for (int id = tasks.Count - 1; id >= 0; id--)
        {
            double after = 0;
            foreach (int next in successors[id])
            {
                after = Math.Max(after, level[next]);
            }

            level[id] = tasks[id].Flops + after;
        }

        return level;
    }

    private void Depend(int task, int on)
    {
        if (on != task && predecessors[task].Add(on))
        {
            successors[on].Add(task);
        }
    }
}
