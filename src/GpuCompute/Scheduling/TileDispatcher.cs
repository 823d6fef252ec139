namespace GpuCompute.Scheduling;

/// <summary>
/// Hands the tiles of one operation to devices as they ask for work, by a <see cref="SchedulingPolicy"/>. The same
/// code drives real devices (through the <see cref="WorkExecutor"/>) and modelled ones in virtual time (the simulator).
/// </summary>
/// <remarks>
/// Every policy pre-assigns tiles to per-device queues. <see cref="SchedulingPolicy.Adaptive"/> assigns each tile, in
/// order, to the device with the earliest expected finish time given its model, its queue and the panels of A and B
/// it would have to receive (StarPU's dmda), then lets an idle device steal from the tail of the busiest queue when it
/// would finish the tile sooner. Tiles of a device that fails go back to a shared pool that every live device drains.
/// Not thread-safe: callers serialise access.
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
    private readonly int[] inFlight;
    private readonly double[] inFlightBytes;
    private readonly HashSet<int>[] residentA, residentB;
    private int completed;

    private TileDispatcher(GemmWorkload work, IReadOnlyList<DeviceModel> models, List<int>[] queues, bool steals)
    {
        this.work = work;
        this.models = models;
        this.queues = queues;
        this.steals = steals;
        int devices = models.Count;
        heads = new int[devices];
        alive = Enumerable.Repeat(true, devices).ToArray();
        inFlight = Enumerable.Repeat(-1, devices).ToArray();
        inFlightBytes = new double[devices];
        residentA = Enumerable.Range(0, devices).Select(_ => new HashSet<int>()).ToArray();
        residentB = Enumerable.Range(0, devices).Select(_ => new HashSet<int>()).ToArray();
    }

    /// <summary>True once every tile has completed.</summary>
    public bool IsComplete => completed == work.Count;

    /// <summary>True when every device has failed.</summary>
    public bool AllFailed => !alive.Contains(true);

    public int Completed => completed;

    /// <summary>A device with nothing left waits while another computes: that one may fail and hand its tiles back.</summary>
    public bool DevicesWaitForEachOther => true;

    /// <summary>Builds the dispatcher for <paramref name="policy"/>; <paramref name="seed"/> drives the random policy.</summary>
    public static TileDispatcher Create(SchedulingPolicy policy, GemmWorkload work, IReadOnlyList<DeviceModel> models, int seed)
    {
        if (models.Count == 0)
        {
            throw new ArgumentException("At least one device is needed.", nameof(models));
        }

        if (policy == SchedulingPolicy.Adaptive)
        {
            return new TileDispatcher(work, models, EarliestFinishAssignment(work, models), steals: true);
        }

        int[][] assigned = TileAssignment.Assign(policy, work.Count, models.Select(m => m.Gflops).ToArray(), seed);
        return new TileDispatcher(work, models, assigned.Select(q => q.ToList()).ToArray(), steals: false);
    }

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
                .Any(d => d != device && alive[d] && (inFlight[d] >= 0 || heads[d] < queues[d].Count));
            return othersMayFail ? TakeResult.Wait : TakeResult.Finished;
        }

        inFlight[device] = tile;
        inFlightBytes[device] = BytesToMove(device, tile);
        residentA[device].Add(work.PanelA(tile));
        residentB[device].Add(work.PanelB(tile));
        return TakeResult.Item;
    }

    /// <summary>Tiles waiting in <paramref name="device"/>'s own queue.</summary>
    public int Queued(int device) => queues[device].Count - heads[device];

    /// <summary>Bytes the device was expected to receive and send for its tile in flight.</summary>
    public double InFlightBytes(int device) => inFlightBytes[device];

    /// <summary>Records that <paramref name="device"/> finished <paramref name="tile"/> in <paramref name="seconds"/>.</summary>
    public void Complete(int device, int tile, double seconds)
    {
        CheckInFlight(device, tile);
        models[device].Observe(work.Tiles[tile], work.K, inFlightBytes[device], seconds);
        inFlight[device] = -1;
        completed++;
    }

    /// <summary>Drops <paramref name="device"/>: its tile in flight and its queue go back to the pool for the others.</summary>
    public void Fail(int device, int tile)
    {
        CheckInFlight(device, tile);
        alive[device] = false;
        inFlight[device] = -1;
        orphans.Enqueue(tile);
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

            double queued = 0;
            for (int i = heads[d]; i < queues[d].Count; i++)
            {
                queued += Cost(d, queues[d][i]);
            }

            if (queued > most)
            {
                (victim, most) = (d, queued);
            }
        }

        if (victim < 0)
        {
            return false;
        }

        // The owner would finish its last tile only after all its queued work; steal it if this device is sooner.
        int last = queues[victim][^1];
        if (Cost(thief, last) >= most)
        {
            return false;
        }

        queues[victim].RemoveAt(queues[victim].Count - 1);
        tile = last;
        return true;
    }

    /// <summary>List scheduling by earliest expected finish time, counting the panels each device must receive.</summary>
    private static List<int>[] EarliestFinishAssignment(GemmWorkload work, IReadOnlyList<DeviceModel> models)
    {
        int devices = models.Count;
        var queues = Enumerable.Range(0, devices).Select(_ => new List<int>()).ToArray();
        var ready = new double[devices];
        var planA = Enumerable.Range(0, devices).Select(_ => new HashSet<int>()).ToArray();
        var planB = Enumerable.Range(0, devices).Select(_ => new HashSet<int>()).ToArray();
        for (int t = 0; t < work.Count; t++)
        {
            int best = 0;
            double bestFinish = double.MaxValue;
            for (int d = 0; d < devices; d++)
            {
                double bytes = models[d].ComputesFromHost ? 0
                    : (planA[d].Contains(work.PanelA(t)) ? 0 : work.BytesA(t))
                      + (planB[d].Contains(work.PanelB(t)) ? 0 : work.BytesB(t))
                      + work.BytesC(t);
                double finish = ready[d] + models[d].Seconds(work.Tiles[t], work.K, bytes);
                if (finish < bestFinish)
                {
                    (best, bestFinish) = (d, finish);
                }
            }

            queues[best].Add(t);
            ready[best] = bestFinish;
            planA[best].Add(work.PanelA(t));
            planB[best].Add(work.PanelB(t));
        }

        return queues;
    }

    private void CheckInFlight(int device, int tile)
    {
        if (inFlight[device] != tile)
        {
            throw new InvalidOperationException($"Device {device} reported tile {tile}, but its tile in flight is {inFlight[device]}.");
        }
    }
}
