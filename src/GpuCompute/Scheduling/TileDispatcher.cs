namespace GpuCompute.Scheduling;

/// <summary>
/// Hands the tiles of one operation to devices as they ask for work, by a <see cref="SchedulingPolicy"/>. The same
/// code drives real devices (through the <see cref="WorkExecutor"/>) and modelled ones in virtual time (the simulator).
/// </summary>
/// <remarks>
/// Every policy pre-assigns tiles to per-device queues. <see cref="SchedulingPolicy.Adaptive"/> plans a block of C per
/// device sized by its model and link (<see cref="BlockPartition"/>), then lets an idle device steal from the tail of
/// the busiest queue when it would finish the tile sooner, counting the panels it lacks (StarPU's dmda, at the end of
/// the run). Tiles of a device that fails go back to a shared pool that every live device drains. A device may hold
/// several tiles at once (one computing while the next one's panels arrive). Not thread-safe: callers serialise access.
/// </remarks>
internal sealed class TileDispatcher : IWorkDispatcher
{
    private readonly GemmWorkload work;
    private readonly IReadOnlyList<DeviceModel> models;
    private readonly bool steals;
    private readonly List<int>[] queues;
    private readonly int[] heads;
    private readonly Queue<int> orphans = new();
    private readonly bool[] alive;
    private readonly List<int>[] inFlight;
    private readonly double[] inFlightBytes;
    private readonly Dictionary<int, double> expectedBytes = [];
    private readonly HashSet<int>[] residentA, residentB;
    private int completed;

    private TileDispatcher(GemmWorkload work, IReadOnlyList<DeviceModel> models, IEnumerable<IEnumerable<int>> queues, bool steals)
    {
        this.work = work;
        this.models = models;
        this.queues = queues.Select(q => q.ToList()).ToArray();
        this.steals = steals;
        int devices = models.Count;
        if (this.queues.Length != devices)
        {
            throw new ArgumentException($"{this.queues.Length} queues for {devices} devices.", nameof(queues));
        }

        heads = new int[devices];
        alive = Enumerable.Repeat(true, devices).ToArray();
        inFlight = Enumerable.Range(0, devices).Select(_ => new List<int>()).ToArray();
        inFlightBytes = new double[devices];
        residentA = Enumerable.Range(0, devices).Select(_ => new HashSet<int>()).ToArray();
        residentB = Enumerable.Range(0, devices).Select(_ => new HashSet<int>()).ToArray();
    }

    /// <summary>The tiles being dispatched.</summary>
    public GemmWorkload Work => work;

    /// <summary>True once every tile has completed.</summary>
    public bool IsComplete => completed == work.Count;

    /// <summary>True when every device has failed.</summary>
    public bool AllFailed => !alive.Contains(true);

    public int Completed => completed;

    /// <summary>A device with nothing left waits while another computes: that one may fail and hand its tiles back.</summary>
    public bool DevicesWaitForEachOther => true;

    /// <summary>
    /// Plans the tiles of an <paramref name="m"/> × <paramref name="n"/> × <paramref name="k"/> product and builds the
    /// dispatcher for <paramref name="policy"/>: the adaptive policy plans a block per device from the models, the
    /// others deal <paramref name="planner"/>'s uniform tiles (<paramref name="seed"/> drives the random policy).
    /// </summary>
    public static TileDispatcher Plan(
        SchedulingPolicy policy, TilePlanner planner, int m, int n, int k, int elementSize, bool readsC, IReadOnlyList<DeviceModel> models, int seed) =>
        policy == SchedulingPolicy.Adaptive
            ? Adaptive(BlockPartition.Plan(planner, m, n, k, elementSize, readsC, models), models)
            : Create(policy, new GemmWorkload(planner.Plan(m, n, k, models.Count), k, elementSize, readsC), models, seed);

    /// <summary>The adaptive policy over a planned partition: each device starts with its block's tiles, and steals at the end.</summary>
    public static TileDispatcher Adaptive(GemmPartition partition, IReadOnlyList<DeviceModel> models) =>
        new(partition.Work, models, partition.Queues, steals: true);

    /// <summary>Builds the dispatcher for a static <paramref name="policy"/> over given tiles; <paramref name="seed"/> drives the random policy.</summary>
    public static TileDispatcher Create(SchedulingPolicy policy, GemmWorkload work, IReadOnlyList<DeviceModel> models, int seed)
    {
        if (models.Count == 0)
        {
            throw new ArgumentException("At least one device is needed.", nameof(models));
        }

        if (policy == SchedulingPolicy.Adaptive)
        {
            throw new ArgumentException("The adaptive policy plans its own tiles: use Plan or Adaptive.", nameof(policy));
        }

        int[][] assigned = TileAssignment.Assign(policy, work.Count, models.Select(m => m.Gflops).ToArray(), seed);
        return new TileDispatcher(work, models, assigned, steals: false);
    }

    /// <summary>A dispatcher over given queues, for tests of the dispatching rules themselves.</summary>
    internal static TileDispatcher WithQueues(GemmWorkload work, IReadOnlyList<DeviceModel> models, IEnumerable<IEnumerable<int>> queues, bool steals) =>
        new(work, models, queues, steals);

    /// <summary>Asks for the next tile for <paramref name="device"/>; on <see cref="TakeResult.Item"/> it is in flight there.</summary>
    public TakeResult TryTake(int device, out int tile)
    {
        tile = -1;
        if (!alive[device])
        {
            return TakeResult.Finished;
        }

        if (heads[device] < queues[device].Count)
        {
            tile = queues[device][heads[device]++];
        }
        else if (orphans.Count > 0)
        {
            tile = orphans.Dequeue();
        }
        else if (!(steals && TrySteal(device, out tile)))
        {
            bool othersMayFail = Enumerable.Range(0, alive.Length)
                .Any(d => d != device && alive[d] && (inFlight[d].Count > 0 || heads[d] < queues[d].Count));
            return othersMayFail ? TakeResult.Wait : TakeResult.Finished;
        }

        inFlight[device].Add(tile);
        inFlightBytes[device] = expectedBytes[tile] = BytesToMove(device, tile);
        residentA[device].Add(work.PanelA(tile));
        residentB[device].Add(work.PanelB(tile));
        return TakeResult.Item;
    }

    /// <summary>Tiles waiting in <paramref name="device"/>'s own queue.</summary>
    public int Queued(int device) => queues[device].Count - heads[device];

    /// <summary>Bytes the device was expected to receive and send for the tile it took last.</summary>
    public double InFlightBytes(int device) => inFlightBytes[device];

    /// <summary>Records that <paramref name="device"/> finished <paramref name="tile"/> in <paramref name="seconds"/>.</summary>
    public void Complete(int device, int tile, double seconds)
    {
        CheckInFlight(device, tile);
        models[device].Observe(work.Tiles[tile], work.K, expectedBytes[tile], seconds);
        inFlight[device].Remove(tile);
        completed++;
    }

    /// <summary>Drops <paramref name="device"/> after it failed on <paramref name="tile"/>: every tile it held and its
    /// queue go back to the pool for the others.</summary>
    public void Fail(int device, int tile)
    {
        CheckInFlight(device, tile);
        alive[device] = false;
        foreach (int held in inFlight[device])
        {
            orphans.Enqueue(held);
        }

        inFlight[device].Clear();
        for (; heads[device] < queues[device].Count; heads[device]++)
        {
            orphans.Enqueue(queues[device][heads[device]]);
        }
    }

    /// <summary>Expected seconds for <paramref name="device"/> to compute <paramref name="tile"/> now.</summary>
    private double Cost(int device, int tile) => models[device].Seconds(work.Tiles[tile], work.K, BytesToMove(device, tile));

    private double BytesToMove(int device, int tile) =>
        models[device].ComputesFromHost ? 0
        : (residentA[device].Contains(work.PanelA(tile)) ? 0 : work.BytesA(tile))
          + (residentB[device].Contains(work.PanelB(tile)) ? 0 : work.BytesB(tile))
          + work.BytesC(tile);

    /// <summary>
    /// Takes the last queued tile of the device with the most queued work, if this device would finish it before the
    /// owner would even start it; otherwise leaves the queues alone.
    /// </summary>
    private bool TrySteal(int thief, out int tile)
    {
        tile = -1;
        int victim = -1;
        double most = 0;
        for (int d = 0; d < queues.Length; d++)
        {
            if (d == thief || !alive[d] || heads[d] >= queues[d].Count)
            {
                continue;
            }

            double queued = QueuedSeconds(d);
            if (queued > most)
            {
                (victim, most) = (d, queued);
            }
        }

        if (victim < 0)
        {
            return false;
        }

        // The owner would finish its last tile only after all its queued work; steal it if this device is sooner, after
        // the tiles it still holds (a device that streams asks for its next tile while it computes the current one).
        int last = queues[victim][^1];
        double busy = inFlight[thief].Sum(t => models[thief].ComputeSeconds(work.Tiles[t], work.K));
        if (busy + Cost(thief, last) >= most)
        {
            return false;
        }

        queues[victim].RemoveAt(queues[victim].Count - 1);
        tile = last;
        return true;
    }

    /// <summary>
    /// Expected seconds for <paramref name="device"/> to work through its queue: each panel is received once (the
    /// first queued tile that needs it brings it), and on a device that overlaps transfers the queue takes the longer
    /// of its compute and its transfers, not their sum per tile.
    /// </summary>
    private double QueuedSeconds(int device)
    {
        DeviceModel model = models[device];
        var a = new HashSet<int>(residentA[device]);
        var b = new HashSet<int>(residentB[device]);
        double compute = 0, bytes = 0;
        for (int i = heads[device]; i < queues[device].Count; i++)
        {
            int t = queues[device][i];
            compute += model.ComputeSeconds(work.Tiles[t], work.K);
            bytes += (a.Add(work.PanelA(t)) ? work.BytesA(t) : 0) + (b.Add(work.PanelB(t)) ? work.BytesB(t) : 0) + work.BytesC(t);
        }

        return model.Seconds(compute, model.TransferSeconds(bytes));
    }

    private void CheckInFlight(int device, int tile)
    {
        if (!inFlight[device].Contains(tile))
        {
            throw new InvalidOperationException(
                $"Device {device} reported tile {tile}, but its tiles in flight are [{string.Join(", ", inFlight[device])}].");
        }
    }
}
