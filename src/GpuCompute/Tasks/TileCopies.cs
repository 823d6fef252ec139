using System.Buffers;
using System.Numerics;
using GpuCompute.Backends;
using GpuCompute.Factorizations;
using GpuCompute.Matrices;

namespace GpuCompute.Tasks;

/// <summary>
/// The copies of a task graph's host tiles on devices that compute in their own memory (ILGPU's): each tile is
/// uploaded when a task there first reads it and stays for the tasks after it, a write leaves the device's copy the
/// only valid one until host memory needs it, and copies are evicted least-recently-used under each device's budget
/// (<see cref="TileDirectory"/> keeps the books; this type moves the bytes). Tasks running where host memory is
/// computed on (the CPU device) find their tiles there, written back first when a device held the only valid copy.
/// </summary>
/// <remarks>Transfers run one at a time under one lock: a write-back for one device and an upload for another must not
/// interleave with the books that ordered them. Devices overlap their kernels, not their copies.</remarks>
internal sealed class TileCopies<T> : ITileCopies
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Func<int, HostMatrix<T>> tile;
    private readonly Func<int, string> name;
    private readonly object transfers = new();
    private readonly Dictionary<(int Handle, int Device), DeviceBuffer<T>> buffers = [];
    private readonly DeviceScratch<T> scratch = new();
    private IReadOnlyList<ComputeDevice> devices = [];
    private TileDirectory directory = new([]);
    private bool flushed; // the graph has ended: a prefetch still on its way does nothing
    private readonly Dictionary<int, Exception> failedAhead = []; // devices whose transfer ahead of a task failed

    /// <summary>Copies of the tiles <paramref name="tile"/> returns for each handle (host views), named in errors by
    /// <paramref name="name"/> (e.g. <c>A(3, 2)</c>).</summary>
    public TileCopies(Func<int, HostMatrix<T>> tile, Func<int, string> name)
    {
        this.tile = tile;
        this.name = name;
    }

    public string Name(int handle) => name(handle);

    public TileDirectory Directory => directory;

    public void Start(IReadOnlyList<ComputeDevice> engineDevices, Func<ComputeDevice, long> budget)
    {
        devices = engineDevices;
        directory = new TileDirectory([.. engineDevices.Select(budget)]);
        flushed = false;
        failedAhead.Clear();
    }

    public int Location(ComputeDevice device) => device.ComputesInHostMemory ? TileDirectory.Host : IndexOf(device);

    public long Acquire(GraphTask task, ComputeDevice device)
    {
        int where = task.DeviceCopies ? Location(device) : TileDirectory.Host;
        lock (transfers)
        {
            if (where != TileDirectory.Host && failedAhead.TryGetValue(where, out Exception? ahead))
            {
                // A transfer ahead of an earlier task failed there: the device fails this task, through the usual path
                // (its copies dropped once nothing of it is running).
                throw new IOException($"Device {device.Id} failed bringing tiles ahead of a task: {ahead.Message}", ahead);
            }

            long moved = 0;
            foreach (var (handle, access) in task.Accesses)
            {
                HostMatrix<T> host = tile(handle);
                directory.Register(handle, (long)host.Rows * host.Cols * System.Runtime.CompilerServices.Unsafe.SizeOf<T>());
                moved += Perform(directory.Acquire(handle, where, access));
            }

            return moved;
        }
    }

    public long Prefetch(GraphTask task, ComputeDevice device)
    {
        if (!task.DeviceCopies || device.ComputesInHostMemory)
        {
            return 0; // it computes on host memory: nothing to bring
        }

        // What the task reads becomes valid there, unpinned (an Acquire and a Release as of a reader): the task's own
        // Acquire then finds it, unless the budget evicted it meanwhile.
        int where = Location(device);
        lock (transfers)
        {
            if (flushed)
            {
                return 0;
            }

            long moved = 0;
            try
            {
                foreach (var (handle, access) in task.Accesses)
                {
                    if (access == DataAccess.Write)
                    {
                        continue; // written whole: nothing to bring
                    }

                    HostMatrix<T> host = tile(handle);
                    directory.Register(handle, (long)host.Rows * host.Cols * System.Runtime.CompilerServices.Unsafe.SizeOf<T>());
                    moved += Perform(directory.Acquire(handle, where, DataAccess.Read));
                    Perform(directory.Release(handle, where, DataAccess.Read, succeeded: true));
                }
            }
            catch (Exception e) when (e is InsufficientMemoryException or not OutOfMemoryException)
            {
                // The books may now call a copy there valid that never arrived. The device's lane may be running a task
                // on its other copies, so they are not dropped here: its next Acquire fails instead, and the device
                // is dropped as for any failed task. Other devices read only copies the books had valid before.
                failedAhead.TryAdd(where, e);
            }

            return moved;
        }
    }

    public void Release(GraphTask task, ComputeDevice device, bool succeeded)
    {
        int where = task.DeviceCopies ? Location(device) : TileDirectory.Host;
        lock (transfers)
        {
            foreach (var (handle, access) in task.Accesses)
            {
                Perform(directory.Release(handle, where, access, succeeded));
            }
        }
    }

    public void Fail(ComputeDevice device)
    {
        if (device.ComputesInHostMemory)
        {
            return; // host memory is not lost with a device
        }

        lock (transfers)
        {
            if (flushed)
            {
                return; // the graph's copies are gone already
            }

            Perform(directory.Fail(IndexOf(device)), freeOnly: true);
        }

        scratch.Release(device);
    }

    public void Flush(bool writeBack)
    {
        lock (transfers)
        {
            Perform(directory.Flush(writeBack), freeOnly: !writeBack);
            flushed = true;
        }

        scratch.Release();
    }

    /// <summary>The host view of <paramref name="handle"/>, for tasks that compute in host memory.</summary>
    public HostMatrix<T> Host(int handle) => tile(handle);

    /// <summary>
    /// C ← α·op(A)·op(B) + β·C on tiles by handle, on <paramref name="device"/>: in host memory for the CPU device,
    /// otherwise on the device's copies (valid there: the task acquired them).
    /// </summary>
    public void Gemm(ComputeDevice device, T alpha, int a, Transpose opA, int b, Transpose opB, T beta, int c, CancellationToken cancellation)
    {
        HostMatrix<T> ha = tile(a), hb = tile(b), hc = tile(c);
        if (device.ComputesInHostMemory)
        {
            TileKernels.Gemm(device, alpha, ha, opA, hb, opB, beta, hc, cancellation);
            return;
        }

        DeviceTile<T> da = OnDevice(device, a), db = OnDevice(device, b), dc = OnDevice(device, c);
        long k = opA == Transpose.None ? ha.Cols : ha.Rows;
        device.Gemm(
            new DeviceGemm<T>(alpha, da.Buffer, 0, da.Leading, opA, db.Buffer, 0, db.Leading, opB, beta, dc.Buffer, 0, dc.Leading, hc.Rows, hc.Cols, k),
            cancellation);
    }

    /// <summary>POTRF of tile <paramref name="a"/> on <paramref name="device"/> (see <see cref="TileKernels"/>): in
    /// host memory for the CPU device, otherwise on the device's copy. Returns −1 or the failing column.</summary>
    public int Potrf(ComputeDevice device, int a, CancellationToken cancellation) =>
        device.ComputesInHostMemory
            ? TileKernels.Potrf(device, tile(a), cancellation)
            : TileKernels.Potrf(device, OnDevice(device, a), cancellation, scratch);

    /// <summary>Tile <paramref name="b"/> ← B·L⁻ᵀ with L tile <paramref name="l"/>'s lower triangle, where
    /// <paramref name="device"/> computes.</summary>
    public void TrsmRightLowerTransposed(ComputeDevice device, int l, int b, CancellationToken cancellation)
    {
        if (device.ComputesInHostMemory)
        {
            TileKernels.TrsmRightLowerTransposed(device, tile(l), tile(b), cancellation);
        }
        else
        {
            TileKernels.TrsmRightLowerTransposed(device, OnDevice(device, l), OnDevice(device, b), cancellation, scratch);
        }
    }

    /// <summary>Tile <paramref name="b"/> ← M⁻¹·B with the triangle <paramref name="shape"/> of tile
    /// <paramref name="m"/>, where <paramref name="device"/> computes.</summary>
    public void TrsmLeft(ComputeDevice device, int m, int b, TriangularBlock.Shape shape, CancellationToken cancellation)
    {
        if (device.ComputesInHostMemory)
        {
            TileKernels.TrsmLeft(device, tile(m), tile(b), shape, cancellation);
        }
        else
        {
            TileKernels.TrsmLeft(device, OnDevice(device, m), OnDevice(device, b), shape, cancellation);
        }
    }

    /// <summary>Tile <paramref name="c"/> ← C − A·Aᵀ on its lower triangle, A tile <paramref name="a"/>, where
    /// <paramref name="device"/> computes.</summary>
    public void SyrkLower(ComputeDevice device, int a, int c, CancellationToken cancellation)
    {
        if (device.ComputesInHostMemory)
        {
            TileKernels.SyrkLower(device, tile(a), tile(c), cancellation);
        }
        else
        {
            TileKernels.SyrkLower(device, OnDevice(device, a), OnDevice(device, c), cancellation);
        }
    }

    /// <summary>
    /// C ← (I − V·T·Vᵀ)ᵀ·C = C − V·(Tᵀ·(Vᵀ·C)) on <paramref name="device"/>'s copies, for a tile column C (tiles
    /// <paramref name="c"/>, top to bottom) and a panel's reflectors V (tiles <paramref name="v"/>, the same tile rows)
    /// and T (tile <paramref name="t"/>): tile by tile GEMMs into two b × w scratch tiles on the device. (The CPU device
    /// runs the same update on whole-column views instead: see <see cref="Factorizations.TiledQr{T}"/>.)
    /// </summary>
    public void ApplyBlockReflector(ComputeDevice device, IReadOnlyList<int> v, int t, IReadOnlyList<int> c, CancellationToken cancellation)
    {
        DeviceTile<T>[] vTiles = [.. v.Select(h => OnDevice(device, h))], cTiles = [.. c.Select(h => OnDevice(device, h))];
        DeviceTile<T> tk = OnDevice(device, t);
        int b = tk.Rows, w = cTiles[0].Cols;
        var target = new DeviceTiles<T>(device, cancellation, scratch);
        DeviceBuffer<T> both = target.Rent(Math.Max(1, 2L * b * w));
        try
        {
            var wTile = new DeviceTile<T>(both, 0, Math.Max(1, w), b, w);
            var twTile = new DeviceTile<T>(both, (long)b * w, Math.Max(1, w), b, w);
            for (int i = 0; i < vTiles.Length; i++)
            {
                target.Gemm(T.One, vTiles[i], Transpose.Transposed, cTiles[i], Transpose.None, i == 0 ? T.Zero : T.One, wTile); // W = Vᵀ·C
            }

            target.Gemm(T.One, tk, Transpose.Transposed, wTile, Transpose.None, T.Zero, twTile); // Tᵀ·W
            for (int i = 0; i < vTiles.Length; i++)
            {
                target.Gemm(-T.One, vTiles[i], Transpose.None, twTile, Transpose.None, T.One, cTiles[i]); // C − V·(Tᵀ·W)
            }
        }
        finally
        {
            target.GiveBack(both);
        }
    }

    /// <summary>
    /// LU with partial pivoting of a tile column (tiles <paramref name="column"/>, top to bottom, factored as one
    /// panel) where <paramref name="device"/> computes: in host memory for the CPU device, otherwise on the device's
    /// copies gathered into one scratch panel and scattered back. <paramref name="pivots"/>[j] receives the row of the
    /// panel interchanged with row j; returns −1 or the first column whose pivot is exactly zero.
    /// </summary>
    public int LuPanel(ComputeDevice device, IReadOnlyList<int> column, Span<int> pivots, CancellationToken cancellation)
    {
        if (device.ComputesInHostMemory)
        {
            return TileKernels.LuPanel(device, Stacked(column), pivots, cancellation);
        }

        var target = new DeviceTiles<T>(device, cancellation, scratch);
        DeviceTile<T> panel = Gather(target, device, column);
        try
        {
            int info = TileKernels.LuPanel(device, panel, pivots, cancellation, scratch);
            Scatter(device, panel, column);
            return info;
        }
        finally
        {
            target.Release(panel);
        }
    }

    /// <summary>Row <paramref name="first"/> + j ↔ row pivots[j] − <paramref name="origin"/> of the tile column
    /// <paramref name="column"/> (LAPACK's <c>laswp</c>), where <paramref name="device"/> computes.</summary>
    public void SwapRows(ComputeDevice device, IReadOnlyList<int> column, ReadOnlySpan<int> pivots, int first, int origin, CancellationToken cancellation)
    {
        if (device.ComputesInHostMemory)
        {
            RowInterchanges.Apply(Stacked(column), pivots, first, origin);
            return;
        }

        var target = new DeviceTiles<T>(device, cancellation, scratch);
        DeviceTile<T> panel = Gather(target, device, column);
        try
        {
            target.SwapRows(panel, pivots, first, origin);
            Scatter(device, panel, column);
        }
        finally
        {
            target.Release(panel);
        }
    }

    /// <summary>
    /// Householder QR of a tile column (tiles <paramref name="column"/>, one panel) with its block reflector, where
    /// <paramref name="device"/> computes: R and the vectors' tails back in the column, V in the tiles
    /// <paramref name="v"/> (the same tile rows), T in tile <paramref name="t"/>, the scalars in <paramref name="tau"/>.
    /// On a device the column and V are gathered into scratch panels and scattered back.
    /// </summary>
    public void QrPanel(ComputeDevice device, IReadOnlyList<int> column, IReadOnlyList<int> v, int t, Span<T> tau, CancellationToken cancellation)
    {
        if (device.ComputesInHostMemory)
        {
            HostMatrix<T> hv = Stacked(v), ht = tile(t);
            foreach (HostMatrix<T> zeroed in (ReadOnlySpan<HostMatrix<T>>)[hv, ht])
            {
                for (int r = 0; r < zeroed.Rows; r++)
                {
                    zeroed.Row(r).Clear(); // the recursion reads V above each half and T below its blocks as zeros
                }
            }

            TileKernels.QrPanel(device, Stacked(column), hv, ht, tau, cancellation);
            return;
        }

        var target = new DeviceTiles<T>(device, cancellation, scratch);
        DeviceTile<T> panel = Gather(target, device, column), reflectors = target.Scratch(panel.Rows, panel.Cols);
        try
        {
            DeviceTile<T> tt = OnDevice(device, t);
            device.Fill(T.Zero, reflectors.Buffer); // the recursion reads V above each half and T below its blocks as zeros
            device.Fill(T.Zero, tt.Buffer);
            TileKernels.QrPanel(device, panel, reflectors, tt, tau, cancellation, scratch);
            Scatter(device, panel, column);
            Scatter(device, reflectors, v);
        }
        finally
        {
            target.Release(reflectors);
            target.Release(panel);
        }
    }

    /// <summary>The host view of tiles that lie one under the other in one array (a tile column), as one matrix.</summary>
    private HostMatrix<T> Stacked(IReadOnlyList<int> handles)
    {
        HostMatrix<T> top = tile(handles[0]);
        int rows = top.Rows;
        for (int i = 1; i < handles.Count; i++)
        {
            HostMatrix<T> next = tile(handles[i]);
            if (!ReferenceEquals(next.Data, top.Data) || next.Cols != top.Cols || next.LeadingDimension != top.LeadingDimension
                || next.Offset != top.Offset + (rows * top.LeadingDimension))
            {
                throw new InvalidOperationException($"Tiles {Name(handles[0])} and {Name(handles[i])} are not one column of one matrix.");
            }

            rows += next.Rows;
        }

        return new HostMatrix<T>(top.Data, rows, top.Cols, top.LeadingDimension, top.Offset);
    }

    /// <summary>The device's copies of a tile column, one under the other in a scratch panel (each copy is packed, so
    /// each is one contiguous run of the panel).</summary>
    private DeviceTile<T> Gather(DeviceTiles<T> target, ComputeDevice device, IReadOnlyList<int> column)
    {
        DeviceTile<T>[] tiles = [.. column.Select(h => OnDevice(device, h))];
        DeviceTile<T> panel = target.Scratch(tiles.Sum(t => t.Rows), tiles[0].Cols);
        long at = 0;
        foreach (DeviceTile<T> part in tiles)
        {
            long length = (long)part.Rows * part.Cols;
            part.Buffer.CopyWithinDevice(0, panel.Buffer, at, length);
            at += length;
        }

        return panel;
    }

    /// <summary>The panel from <see cref="Gather"/> back into the copies of <paramref name="column"/>.</summary>
    private void Scatter(ComputeDevice device, DeviceTile<T> panel, IReadOnlyList<int> column)
    {
        long at = 0;
        foreach (int handle in column)
        {
            DeviceTile<T> part = OnDevice(device, handle);
            long length = (long)part.Rows * part.Cols;
            panel.Buffer.CopyWithinDevice(at, part.Buffer, 0, length);
            at += length;
        }
    }

    /// <summary>Tile <paramref name="handle"/>'s copy on <paramref name="device"/> (valid there: the task acquired it),
    /// packed with the host tile's shape.</summary>
    private DeviceTile<T> OnDevice(ComputeDevice device, int handle)
    {
        DeviceBuffer<T> buffer;
        lock (transfers)
        {
            buffer = buffers[(handle, IndexOf(device))];
        }

        HostMatrix<T> host = tile(handle);
        return new DeviceTile<T>(buffer, 0, Math.Max(1, host.Cols), host.Rows, host.Cols);
    }

    private int IndexOf(ComputeDevice device)
    {
        for (int i = 0; i < devices.Count; i++)
        {
            if (ReferenceEquals(devices[i], device))
            {
                return i;
            }
        }

        throw new InvalidOperationException($"Device {device.Id} is not one of this graph's devices.");
    }

    /// <summary>Performs the directory's steps in order; returns the bytes copied.</summary>
    private long Perform(IReadOnlyList<TileTransfer> steps, bool freeOnly = false)
    {
        long moved = 0;
        foreach (TileTransfer step in steps)
        {
            var key = (step.Handle, step.Device);
            HostMatrix<T> host = tile(step.Handle);
            switch (step.Kind)
            {
                case TileTransferKind.Allocate:
                    buffers[key] = devices[step.Device].Allocate<T>(Math.Max(1, (long)host.Rows * host.Cols));
                    break;
                case TileTransferKind.Upload when !freeOnly:
                    Upload(host, buffers[key]);
                    moved += step.Bytes;
                    break;
                case TileTransferKind.Download when !freeOnly:
                    Download(buffers[key], host);
                    moved += step.Bytes;
                    break;
                case TileTransferKind.Free:
                    if (buffers.Remove(key, out DeviceBuffer<T>? buffer))
                    {
                        try
                        {
                            buffer.Dispose();
                        }
                        catch (Exception) when (freeOnly)
                        {
                            // A failed device may refuse even this; its memory is gone either way.
                        }
                    }

                    break;
            }
        }

        return moved;
    }

    /// <summary>A strided host tile into a packed device buffer (leading dimension = columns), through one pooled
    /// staging array so the device sees one copy, not one per row.</summary>
    private static void Upload(HostMatrix<T> host, DeviceBuffer<T> buffer)
    {
        int rows = host.Rows, cols = host.Cols;
        T[] staging = ArrayPool<T>.Shared.Rent(Math.Max(1, rows * cols));
        try
        {
            for (int r = 0; r < rows; r++)
            {
                host.Row(r).CopyTo(staging.AsSpan(r * cols, cols));
            }

            buffer.CopyFromHost(staging.AsSpan(0, rows * cols), 0);
        }
        finally
        {
            ArrayPool<T>.Shared.Return(staging);
        }
    }

    private static void Download(DeviceBuffer<T> buffer, HostMatrix<T> host)
    {
        int rows = host.Rows, cols = host.Cols;
        T[] staging = ArrayPool<T>.Shared.Rent(Math.Max(1, rows * cols));
        try
        {
            buffer.CopyToHost(0, staging.AsSpan(0, rows * cols));
            for (int r = 0; r < rows; r++)
            {
                staging.AsSpan(r * cols, cols).CopyTo(host.Row(r));
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(staging);
        }
    }
}

/// <summary>A task graph's tile copies, seen by the plan that runs it without knowing the element type.</summary>
internal interface ITileCopies
{
    /// <summary>The books (statistics, lost tiles, what the dispatcher weighs).</summary>
    TileDirectory Directory { get; }

    /// <summary>Starts a run on <paramref name="devices"/> with each device's memory budget in bytes.</summary>
    void Start(IReadOnlyList<ComputeDevice> devices, Func<ComputeDevice, long> budget);

    /// <summary>Where <paramref name="device"/>'s tasks find their tiles: <see cref="TileDirectory.Host"/> or the
    /// device's index.</summary>
    int Location(ComputeDevice device);

    /// <summary>Makes the task's tiles valid where it runs on <paramref name="device"/>; returns the bytes copied.</summary>
    long Acquire(GraphTask task, ComputeDevice device);

    /// <summary>Brings the tiles <paramref name="task"/> reads to <paramref name="device"/> ahead of it, unpinned;
    /// returns the bytes copied. A transfer that fails makes the device's next Acquire fail (it is the device's).</summary>
    long Prefetch(GraphTask task, ComputeDevice device);

    /// <summary>Ends the task's use of its tiles (see <see cref="TileDirectory.Release"/>).</summary>
    void Release(GraphTask task, ComputeDevice device, bool succeeded);

    /// <summary>Forgets <paramref name="device"/>'s copies after it failed.</summary>
    void Fail(ComputeDevice device);

    /// <summary>Writes results back to host memory (unless <paramref name="writeBack"/> is false) and frees every copy.</summary>
    void Flush(bool writeBack);

    /// <summary>The tile <paramref name="handle"/> names, for errors (e.g. <c>A(3, 2)</c>).</summary>
    string Name(int handle);
}
