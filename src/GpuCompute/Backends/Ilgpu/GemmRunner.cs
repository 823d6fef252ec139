using System.Numerics;
using System.Runtime.CompilerServices;
using GpuCompute.Gemm;
using GpuCompute.Kernels.Gemm;
using GpuCompute.Matrices;
using ILGPU;
using ILGPU.Runtime;

namespace GpuCompute.Backends.Ilgpu;

/// <summary>
/// Runs GEMM tiles on one accelerator through <see cref="GemmKernel"/> specialized for <typeparamref name="TScalar"/>
/// and <typeparamref name="TConfig"/>: packs the tile's panels into pinned host staging, uploads them asynchronously on
/// a copy stream, computes on a compute stream, and copies C back. A tile larger than <see cref="BudgetBytes"/> streams
/// through in blocks of C and chunks of K, double-buffered so that the next chunk's upload overlaps the current
/// chunk's kernel. Not thread-safe: the owning <see cref="IlgpuDevice"/> serializes callers.
/// </summary>
/// <remarks>The emulator runs kernels synchronously, so tests there check results, not the overlap itself.</remarks>
/// <typeparam name="T">The element type.</typeparam>
/// <typeparam name="TScalar">Kernel arithmetic on <typeparamref name="T"/>.</typeparam>
/// <typeparam name="TConfig">The device's blocking.</typeparam>
internal sealed class GemmRunner<T, TScalar, TConfig> : IGemmRunner<T>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TScalar : struct, IKernelScalar<T>
    where TConfig : struct, IGemmTileConfig
{
    private readonly Accelerator accelerator;

    // Kernels run on their own stream and uploads on another, so the next chunk's panels cross the bus while the
    // current chunk computes.
    private readonly AcceleratorStream compute;
    private readonly AcceleratorStream copy;

    // Two slots each for A and B (double buffering), one for C; each with pinned host staging for asynchronous copies.
    private readonly Slot[] a;
    private readonly Slot[] b;
    private readonly Slot c;
    private Action<AcceleratorStream, KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<T>, GemmArguments<T>>? kernel;

    public GemmRunner(Accelerator accelerator)
    {
        this.accelerator = accelerator;
        compute = accelerator.CreateStream();
        copy = accelerator.CreateStream();
        a = [new Slot(accelerator), new Slot(accelerator)];
        b = [new Slot(accelerator), new Slot(accelerator)];
        c = new Slot(accelerator);
    }

    public void Warm() => kernel ??= accelerator.LoadKernel<ArrayView<T>, ArrayView<T>, ArrayView<T>, GemmArguments<T>>(
        GemmKernel.Gemm<T, TScalar, TConfig>);

    /// <summary>Device memory this runner may use for one tile's operands; larger tiles stream through in blocks.</summary>
    public long BudgetBytes { get; set; } = long.MaxValue;

    public void Run(GemmProblem<T> problem, GemmTile tile, CancellationToken cancellation)
    {
        if (tile.Rows == 0 || tile.Cols == 0)
        {
            return;
        }

        Warm();
        (int rows, int cols, int depth) = BlockShape(tile.Rows, tile.Cols, problem.K);
        for (int row = tile.Row; row < tile.Row + tile.Rows; row += rows)
        {
            for (int col = tile.Col; col < tile.Col + tile.Cols; col += cols)
            {
                var block = new GemmTile(row, col, Math.Min(rows, tile.Row + tile.Rows - row), Math.Min(cols, tile.Col + tile.Cols - col));
                cancellation.ThrowIfCancellationRequested();
                RunBlock(problem, block, depth, cancellation);
            }
        }
    }

    public void RunOnDevice(DeviceGemm<T> gemm)
    {
        if (gemm.M == 0 || gemm.N == 0)
        {
            return;
        }

        Warm();
        (long ar, long ac) = gemm.OpA == Transpose.None ? (gemm.M, gemm.K) : (gemm.K, gemm.M);
        (long br, long bc) = gemm.OpB == Transpose.None ? (gemm.K, gemm.N) : (gemm.N, gemm.K);
        ArrayView<T> a = Operand(gemm.A, gemm.OffsetA, ar, ac, gemm.LeadingA, "A");
        ArrayView<T> b = Operand(gemm.B, gemm.OffsetB, br, bc, gemm.LeadingB, "B");
        ArrayView<T> c = Operand(gemm.C, gemm.OffsetC, gemm.M, gemm.N, gemm.LeadingC, "C");
        TConfig config = default;
        (int groupsX, int groupsY) = GemmKernel.GetGridSize<TConfig>((int)gemm.M, (int)gemm.N);
        var args = new GemmArguments<T>(
            (int)gemm.M, (int)gemm.N, (int)gemm.K, (int)Math.Max(1, gemm.LeadingA), (int)Math.Max(1, gemm.LeadingB), (int)Math.Max(1, gemm.LeadingC),
            gemm.OpA == Transpose.Transposed, gemm.OpB == Transpose.Transposed, gemm.Alpha, gemm.Beta);
        kernel!(compute, new KernelConfig(new Index2D(groupsX, groupsY), new Index2D(config.ThreadsX, config.ThreadsY)), a, b, c, args);
        compute.Synchronize();

        // A view of exactly the operand's extent, so the emulator's bounds checks catch a kernel that reads past it.
        static ArrayView<T> Operand(DeviceBuffer<T> buffer, long offset, long rows, long cols, long leading, string name)
        {
            long extent = rows == 0 || cols == 0 ? 0 : ((rows - 1) * Math.Max(1, leading)) + cols;
            if (extent > int.MaxValue || rows > int.MaxValue || cols > int.MaxValue)
            {
                throw new NotSupportedException(
                    $"The GEMM kernel indexes with 32 bits; {name} ({rows} x {cols}, leading dimension {leading}) spans {extent} elements.");
            }

            return buffer.View.SubView(offset, Math.Max(1, extent));
        }
    }

    /// <summary>
    /// The largest block (rows × cols of C, depth of K) whose operands fit the budget: the whole tile when it fits;
    /// otherwise the biggest of the three dimensions is halved until they do (out-of-core streaming).
    /// </summary>
    internal (int Rows, int Cols, int Depth) BlockShape(int rows, int cols, int k)
    {
        int size = Unsafe.SizeOf<T>();
        int depth = Math.Max(1, k);
        double Footprint() => (((double)rows * depth) + ((double)depth * cols) + ((double)rows * cols)) * size;
        while (Footprint() > BudgetBytes)
        {
            if (rows == 1 && cols == 1 && depth == 1)
            {
                throw new InvalidOperationException(
                    $"A device memory budget of {BudgetBytes} bytes cannot hold even a 1 x 1 x 1 GEMM block of {typeof(T).Name} ({3 * size} bytes).");
            }

            if (depth >= rows && depth >= cols)
            {
                depth = (depth + 1) / 2;
            }
            else if (rows >= cols)
            {
                rows = (rows + 1) / 2;
            }
            else
            {
                cols = (cols + 1) / 2;
            }
        }

        return (rows, cols, depth);
    }

    /// <summary>
    /// One block of C: C stays on the device while K streams through in chunks of <paramref name="depth"/>
    /// (β for the first chunk, 1 after it). Chunk i + 1's panels are packed and uploaded while chunk i computes;
    /// panels a slot already holds for this operation are not sent again.
    /// </summary>
    private void RunBlock(GemmProblem<T> problem, GemmTile block, int depth, CancellationToken cancellation)
    {
        HostMatrix<T> hostC = problem.TileC(block);
        ArrayView<T> viewC = T.IsZero(problem.Beta) ? c.Reserve(Count(hostC)) : c.Upload(copy, hostC);
        TConfig config = default;
        (int groupsX, int groupsY) = GemmKernel.GetGridSize<TConfig>(block.Rows, block.Cols);
        var grid = new KernelConfig(new Index2D(groupsX, groupsY), new Index2D(config.ThreadsX, config.ThreadsY));
        int k = problem.K;
        int chunks = Math.Max(1, (k + depth - 1) / depth);
        (ArrayView<T> viewA, ArrayView<T> viewB) = Stage(problem, block, 0, depth);
        copy.Synchronize();
        for (int chunk = 0; chunk < chunks; chunk++)
        {
            int k0 = chunk * depth, kc = Math.Min(depth, k - k0);

            // Staged panels are packed, so each leading dimension is the panel's column count (at least 1).
            var args = new GemmArguments<T>(
                block.Rows,
                block.Cols,
                kc,
                Math.Max(1, problem.OpA == Transpose.None ? kc : block.Rows),
                Math.Max(1, problem.OpB == Transpose.None ? block.Cols : kc),
                hostC.Cols,
                problem.OpA == Transpose.Transposed,
                problem.OpB == Transpose.Transposed,
                problem.Alpha,
                chunk == 0 ? problem.Beta : T.One);
            kernel!(compute, grid, viewA, viewB, viewC, args);
            if (chunk + 1 < chunks)
            {
                (viewA, viewB) = Stage(problem, block, chunk + 1, depth);
                copy.Synchronize();
            }

            compute.Synchronize();

            // Between chunks of K: the streams are idle, so a cancelled tile leaves nothing running on the device.
            if (chunk + 1 < chunks)
            {
                cancellation.ThrowIfCancellationRequested();
            }
        }

        c.Download(compute, viewC, hostC);
    }

    /// <summary>Uploads (on the copy stream, without waiting) chunk <paramref name="chunk"/>'s panels into its slots.</summary>
    private (ArrayView<T> A, ArrayView<T> B) Stage(GemmProblem<T> problem, GemmTile block, int chunk, int depth)
    {
        int k0 = chunk * depth, kc = Math.Min(depth, problem.K - k0);
        HostMatrix<T> hostA = problem.OpA == Transpose.None ? problem.A.Slice(block.Row, k0, block.Rows, kc) : problem.A.Slice(k0, block.Row, kc, block.Rows);
        HostMatrix<T> hostB = problem.OpB == Transpose.None ? problem.B.Slice(k0, block.Col, kc, block.Cols) : problem.B.Slice(block.Col, k0, block.Cols, kc);
        return (
            a[chunk % 2].Resident(copy, new PanelKey(problem.Id, block.Row, block.Rows, k0, kc), hostA),
            b[chunk % 2].Resident(copy, new PanelKey(problem.Id, block.Col, block.Cols, k0, kc), hostB));
    }

    public void Dispose()
    {
        foreach (Slot slot in (Slot[])[.. a, .. b, c])
        {
            slot.Dispose();
        }

        copy.Dispose();
        compute.Dispose();
    }

    private static int Count(HostMatrix<T> matrix)
    {
        long count = (long)matrix.Rows * matrix.Cols;
        if (count > int.MaxValue)
        {
            throw new NotSupportedException(
                $"A {matrix.Rows} x {matrix.Cols} tile operand has {count} elements; the GEMM kernel indexes with 32 bits.");
        }

        return (int)count;
    }

    /// <summary>A panel of one operation: its first row (A) or column (B), its length, and its range of K.</summary>
    private readonly record struct PanelKey(long Operation, int Start, int Length, int K0, int Depth);

    /// <summary>
    /// One operand's device buffer and pinned host staging, both grow-only (steady state allocates nothing), and the
    /// panel the buffer holds. Views are exactly max(1, count) long: kernels always get a valid view, and the
    /// emulator's bounds checks catch a kernel that reads past the staged operand.
    /// </summary>
    private sealed class Slot(Accelerator accelerator) : IDisposable
    {
        private MemoryBuffer1D<T, Stride1D.Dense>? device;
        private PageLockedArray1D<T>? pinned;
        private PanelKey? held;

        public ArrayView<T> Reserve(int count)
        {
            long needed = Math.Max(1, count);
            if (device is null || device.Length < needed)
            {
                long size = Math.Max(needed, device is null ? 0 : Math.Min(2 * device.Length, int.MaxValue));
                device?.Dispose();
                device = null;
                held = null;
                device = accelerator.Allocate1D<T>(size);
            }

            return device.View.SubView(0, needed);
        }

        /// <summary>The device copy of a panel: reused when this slot already holds it, otherwise uploaded.</summary>
        public ArrayView<T> Resident(AcceleratorStream stream, PanelKey wanted, HostMatrix<T> host)
        {
            if (held == wanted)
            {
                return Reserve(Count(host));
            }

            held = null; // until the upload is issued, the buffer's contents are unknown
            ArrayView<T> view = Upload(stream, host);
            held = wanted;
            return view;
        }

        /// <summary>Packs <paramref name="host"/> into pinned staging and starts its copy on <paramref name="stream"/>.</summary>
        public ArrayView<T> Upload(AcceleratorStream stream, HostMatrix<T> host)
        {
            int count = Count(host);
            ArrayView<T> view = Reserve(count);
            held = null;
            if (count > 0)
            {
                Span<T> staged = Pinned(count);
                for (int i = 0; i < host.Rows; i++)
                {
                    host.Row(i).CopyTo(staged.Slice(i * host.Cols, host.Cols));
                }

                view.SubView(0, count).CopyFrom(stream, pinned!.ArrayView.SubView(0, count));
            }

            return view;
        }

        /// <summary>Copies the device block back through pinned staging into <paramref name="host"/>; blocks.</summary>
        public void Download(AcceleratorStream stream, ArrayView<T> view, HostMatrix<T> host)
        {
            int count = Count(host);
            Span<T> staged = Pinned(count);
            pinned!.ArrayView.SubView(0, count).CopyFrom(stream, view.SubView(0, count));
            stream.Synchronize();
            for (int i = 0; i < host.Rows; i++)
            {
                staged.Slice(i * host.Cols, host.Cols).CopyTo(host.Row(i));
            }
        }

        public void Dispose()
        {
            device?.Dispose();
            pinned?.Dispose();
            device = null;
            pinned = null;
        }

        private Span<T> Pinned(int count)
        {
            if (pinned is null || pinned.Length < count)
            {
                long size = Math.Max(count, pinned is null ? 0 : Math.Min(2 * pinned.Length, int.MaxValue));
                pinned?.Dispose();
                pinned = null;
                pinned = accelerator.AllocatePageLocked1D<T>(size);
            }

            return pinned.Span[..count];
        }
    }
}
