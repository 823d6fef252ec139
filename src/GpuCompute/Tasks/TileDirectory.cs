namespace GpuCompute.Tasks;

/// <summary>
/// Where each piece of a task graph's data (a handle: a tile) is valid: in host memory, on devices, or several at once
/// (StarPU's MSI coherence). A device reads a tile from its own copy, fetching one when it has none valid; a write makes
/// the writer's copy the only valid one; copies are evicted least-recently-used when a device's budget would be
/// exceeded, the only valid copy written back to host memory first. Bookkeeping only: each call returns the
/// <see cref="TileTransfer"/> steps that make it true, and the caller performs them in order (real copies in
/// <see cref="TileCopies{T}"/>, modelled time in the simulator). Thread-safe; the caller orders the steps.
/// </summary>
internal sealed class TileDirectory
{
    /// <summary>The location of host memory (devices are 0, 1, …).</summary>
    public const int Host = -1;

    private readonly long[] budget;
    private readonly long[] used;
    private readonly long[] peak;
    private readonly Dictionary<int, Entry> entries = [];
    private readonly object gate = new();
    private long tick;

    /// <summary>A directory for devices with these memory budgets in bytes (index = device).</summary>
    public TileDirectory(IReadOnlyList<long> budgets)
    {
        budget = [.. budgets];
        used = new long[budget.Length];
        peak = new long[budget.Length];
    }

    /// <summary>Copies made host to device.</summary>
    public int Uploads { get; private set; }

    /// <summary>Copies written back device to host.</summary>
    public int Downloads { get; private set; }

    /// <summary>Copies dropped to stay within a budget.</summary>
    public int Evictions { get; private set; }

    /// <summary>Reads served by a valid copy already on the device.</summary>
    public int Hits { get; private set; }

    /// <summary>Times a device went over budget because every copy on it was in use by running tasks.</summary>
    public int OverBudget { get; private set; }

    /// <summary>The most bytes of copies each device held at once.</summary>
    public IReadOnlyList<long> PeakBytes => peak;

    /// <summary>The bytes of copies each device holds now.</summary>
    public IReadOnlyList<long> UsedBytes => used;

    /// <summary>Handles whose only valid copy was on a device that failed: their data is gone.</summary>
    public IReadOnlyList<int> Lost => lost;

    private readonly List<int> lost = [];

    /// <summary>Makes <paramref name="handle"/> (valid in host memory, <paramref name="bytes"/> long) known; a handle
    /// seen again keeps its state.</summary>
    public void Register(int handle, long bytes)
    {
        lock (gate)
        {
            entries.TryAdd(handle, new Entry(bytes));
        }
    }

    /// <summary>Makes <paramref name="handle"/> valid where <paramref name="device"/> (or <see cref="Host"/>) will use
    /// it as <paramref name="access"/> says, and holds the copy there until <see cref="Release"/>: fetches it when it is
    /// read and not valid there (written back from a device first when only a device holds it), evicts least-recently
    /// used copies to make room, and when host memory is written in place, drops the device copies it makes stale.</summary>
    public IReadOnlyList<TileTransfer> Acquire(int handle, int device, DataAccess access)
    {
        lock (gate)
        {
            Entry entry = entries[handle];
            var steps = new List<TileTransfer>();
            if (LostData(entry))
            {
                throw new InvalidOperationException($"Tile {handle} has no valid copy left (its device failed); it cannot be read.");
            }

            if (device == Host)
            {
                if (!entry.OnHost && access != DataAccess.Write)
                {
                    WriteBack(handle, entry, steps);
                }

                if (access != DataAccess.Read)
                {
                    // The host computes in place: every device copy is stale from now on.
                    foreach (int d in entry.Copies.Keys.ToArray())
                    {
                        Drop(handle, entry, d, steps);
                    }

                    entry.OnHost = true;
                }

                return steps;
            }

            if (entry.Copies.TryGetValue(device, out Copy? copy))
            {
                Hits++;
            }
            else
            {
                MakeRoom(device, entry.Bytes, steps);
                copy = new Copy();
                steps.Add(new TileTransfer(TileTransferKind.Allocate, handle, device, entry.Bytes));
                if (access != DataAccess.Write)
                {
                    if (!entry.OnHost)
                    {
                        WriteBack(handle, entry, steps); // another device holds the only valid copy: through host memory
                    }

                    steps.Add(new TileTransfer(TileTransferKind.Upload, handle, device, entry.Bytes));
                    Uploads++;
                }

                entry.Copies[device] = copy;
                used[device] += entry.Bytes;
                peak[device] = Math.Max(peak[device], used[device]);
            }

            copy.Pins++;
            copy.LastUse = ++tick;
            return steps;
        }
    }

    /// <summary>Ends a task's use of <paramref name="handle"/> on <paramref name="device"/>. When the task succeeded
    /// and wrote it on a device, that copy becomes the only valid one (the others are dropped and host memory is
    /// stale); when it failed while writing, that copy may be half-written and is dropped (the tile is
    /// <see cref="Lost"/> if it was the only valid one).</summary>
    public IReadOnlyList<TileTransfer> Release(int handle, int device, DataAccess access, bool succeeded)
    {
        lock (gate)
        {
            var steps = new List<TileTransfer>();
            if (device == Host || !entries[handle].Copies.TryGetValue(device, out Copy? copy))
            {
                return steps; // a failed device's copies are gone already
            }

            Entry entry = entries[handle];
            copy.Pins--;
            if (access == DataAccess.Read)
            {
                return steps;
            }

            if (succeeded)
            {
                entry.OnHost = false;
                foreach (int d in entry.Copies.Keys.Where(d => d != device).ToArray())
                {
                    Drop(handle, entry, d, steps);
                }
            }
            else
            {
                Drop(handle, entry, device, steps);
                if (LostData(entry) && !lost.Contains(handle))
                {
                    lost.Add(handle);
                }
            }

            return steps;
        }
    }

    /// <summary>Forgets every copy on <paramref name="device"/> (its memory is gone with it); handles whose only
    /// valid copy it held become <see cref="Lost"/>. Returns the frees to attempt.</summary>
    public IReadOnlyList<TileTransfer> Fail(int device)
    {
        lock (gate)
        {
            var steps = new List<TileTransfer>();
            foreach (var (handle, entry) in entries)
            {
                if (entry.Copies.Remove(device))
                {
                    used[device] -= entry.Bytes;
                    steps.Add(new TileTransfer(TileTransferKind.Free, handle, device, entry.Bytes));
                    if (LostData(entry) && !lost.Contains(handle))
                    {
                        lost.Add(handle);
                    }
                }
            }

            return steps;
        }
    }

    /// <summary>Writes every tile valid only on a device back to host memory and frees every copy: the graph's
    /// results are then all in host memory.</summary>
    public IReadOnlyList<TileTransfer> Flush(bool writeBack = true)
    {
        lock (gate)
        {
            var steps = new List<TileTransfer>();
            foreach (var (handle, entry) in entries)
            {
                if (writeBack && !entry.OnHost && !LostData(entry))
                {
                    WriteBack(handle, entry, steps);
                }

                foreach (int d in entry.Copies.Keys.ToArray())
                {
                    Drop(handle, entry, d, steps);
                }
            }

            return steps;
        }
    }

    /// <summary>The bytes <paramref name="device"/> (or <see cref="Host"/>) would have to receive before running a task
    /// with these accesses, counting a write-back where only another device holds a tile: what the dispatcher weighs.</summary>
    public double MissingBytes(IReadOnlyList<(int Handle, DataAccess Access)> accesses, int device)
    {
        lock (gate)
        {
            double bytes = 0;
            foreach (var (handle, access) in accesses)
            {
                if (access == DataAccess.Write || !entries.TryGetValue(handle, out Entry? entry))
                {
                    continue;
                }

                bool valid = device == Host ? entry.OnHost : entry.Copies.ContainsKey(device);
                if (!valid)
                {
                    bytes += entry.Bytes * (device != Host && !entry.OnHost ? 2 : 1);
                }
            }

            return bytes;
        }
    }

    private static bool LostData(Entry entry) => !entry.OnHost && entry.Copies.Count == 0;

    private void WriteBack(int handle, Entry entry, List<TileTransfer> steps)
    {
        int from = entry.Copies.First().Key;
        steps.Add(new TileTransfer(TileTransferKind.Download, handle, from, entry.Bytes));
        Downloads++;
        entry.OnHost = true;
    }

    private void Drop(int handle, Entry entry, int device, List<TileTransfer> steps)
    {
        entry.Copies.Remove(device);
        used[device] -= entry.Bytes;
        steps.Add(new TileTransfer(TileTransferKind.Free, handle, device, entry.Bytes));
    }

    /// <summary>Evicts the least recently used copies on <paramref name="device"/> that no running task holds until
    /// <paramref name="bytes"/> more fit, writing back any that is the only valid copy.</summary>
    private void MakeRoom(int device, long bytes, List<TileTransfer> steps)
    {
        while (used[device] + bytes > budget[device])
        {
            (int Handle, Entry Entry)? victim = null;
            long oldest = long.MaxValue;
            foreach (var (handle, entry) in entries)
            {
                if (entry.Copies.TryGetValue(device, out Copy? copy) && copy.Pins == 0 && copy.LastUse < oldest)
                {
                    oldest = copy.LastUse;
                    victim = (handle, entry);
                }
            }

            if (victim is not { } v)
            {
                OverBudget++; // everything here is in use: run over budget rather than deadlock
                return;
            }

            if (!v.Entry.OnHost && v.Entry.Copies.Count == 1)
            {
                WriteBack(v.Handle, v.Entry, steps);
            }

            Drop(v.Handle, v.Entry, device, steps);
            Evictions++;
        }
    }

    private sealed class Entry(long bytes)
    {
        public long Bytes { get; } = bytes;

        /// <summary>Host memory holds the current value.</summary>
        public bool OnHost { get; set; } = true;

        /// <summary>The devices holding a valid copy (a stale copy is dropped at once).</summary>
        public Dictionary<int, Copy> Copies { get; } = [];
    }

    private sealed class Copy
    {
        public long LastUse { get; set; }

        /// <summary>Running tasks holding it: it is not evicted while any does.</summary>
        public int Pins { get; set; }
    }
}

/// <summary>What a <see cref="TileTransfer"/> does.</summary>
internal enum TileTransferKind
{
    /// <summary>Reserve device memory for the tile.</summary>
    Allocate,

    /// <summary>Copy the tile from host memory to the device.</summary>
    Upload,

    /// <summary>Copy the device's (only valid) copy back to host memory.</summary>
    Download,

    /// <summary>Release the device's copy.</summary>
    Free,
}

/// <summary>One step of keeping a tile coherent: <paramref name="Kind"/> for <paramref name="Handle"/> on
/// <paramref name="Device"/>, <paramref name="Bytes"/> long.</summary>
internal readonly record struct TileTransfer(TileTransferKind Kind, int Handle, int Device, long Bytes);
