using System.Numerics;
using System.Runtime.CompilerServices;
using GpuCompute.Gemm;
using GpuCompute.Kernels.Gemm;
using GpuCompute.Matrices;
using ILGPU;
using ILGPU.Runtime;

namespace GpuCompute.Devices.Ilgpu;

/// <summary>
/// Stages a GEMM tile into grow-only device buffers, launches <see cref="GemmKernel"/> specialized for
/// <typeparamref name="TScalar"/> and <typeparamref name="TConfig"/>, and copies C back. Not thread-safe: the owning
/// <see cref="IlgpuDevice"/> serializes callers.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
/// <typeparam name="TScalar">Kernel arithmetic on <typeparamref name="T"/>.</typeparam>
/// <typeparam name="TConfig">The device's blocking.</typeparam>
internal sealed class GemmRunner<T, TScalar, TConfig> : IGemmRunner<T>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TScalar : struct, IKernelScalar<T>
    where TConfig : struct, IGemmTileConfig
{
    private readonly Accelerator accelerator;
    private readonly DeviceBuffer a;
    private readonly DeviceBuffer b;
    private readonly DeviceBuffer c;
    private Action<KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<T>, GemmArguments<T>>? kernel;

    // Host staging for strided views: one contiguous array, grown on demand and reused for every tile.
    private T[] staging = [];

    // Which panel of A and of B the device buffers hold, so consecutive tiles of one operation skip re-sending them.
    private PanelKey? panelA, panelB;

    public GemmRunner(Accelerator accelerator)
    {
        this.accelerator = accelerator;
        a = new DeviceBuffer(accelerator);
        b = new DeviceBuffer(accelerator);
        c = new DeviceBuffer(accelerator);
    }

    public void Warm() => kernel ??= accelerator.LoadStreamKernel<ArrayView<T>, ArrayView<T>, ArrayView<T>, GemmArguments<T>>(
        GemmKernel.Gemm<T, TScalar, TConfig>);

    /// <summary>Device memory this runner may use for one tile's operands; larger tiles stream through in blocks.</summary>
    public long BudgetBytes { get; set; } = long.MaxValue;

    public void Run(GemmProblem<T> problem, GemmTile tile)
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
                RunBlock(problem, block, depth);
            }
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
    /// (β for the first chunk, 1 after it); panels already staged for this operation are not sent again.
    /// </summary>
    private void RunBlock(GemmProblem<T> problem, GemmTile block, int depth)
    {
        HostMatrix<T> hostC = problem.TileC(block);
        AcceleratorStream stream = accelerator.DefaultStream;
        ArrayView<T> viewC = T.IsZero(problem.Beta) ? c.Reserve(Count(hostC)) : Upload(stream, c, hostC);
        TConfig config = default;
        (int groupsX, int groupsY) = GemmKernel.GetGridSize<TConfig>(block.Rows, block.Cols);
        var grid = new KernelConfig(new Index2D(groupsX, groupsY), new Index2D(config.ThreadsX, config.ThreadsY));
        int k = problem.K;
        for (int k0 = 0; k0 < Math.Max(k, 1); k0 += depth)
        {
            int kc = Math.Min(depth, k - k0);
            HostMatrix<T> hostA = problem.OpA == Transpose.None ? problem.A.Slice(block.Row, k0, block.Rows, kc) : problem.A.Slice(k0, block.Row, kc, block.Rows);
            HostMatrix<T> hostB = problem.OpB == Transpose.None ? problem.B.Slice(k0, block.Col, kc, block.Cols) : problem.B.Slice(block.Col, k0, block.Cols, kc);
            ArrayView<T> viewA = Resident(stream, a, ref panelA, new PanelKey(problem.Id, block.Row, block.Rows, k0, kc), hostA);
            ArrayView<T> viewB = Resident(stream, b, ref panelB, new PanelKey(problem.Id, block.Col, block.Cols, k0, kc), hostB);

            // Staged panels are packed, so each leading dimension is the panel's column count (at least 1).
            var args = new GemmArguments<T>(
                block.Rows,
                block.Cols,
                kc,
                Math.Max(1, hostA.Cols),
                Math.Max(1, hostB.Cols),
                hostC.Cols,
                problem.OpA == Transpose.Transposed,
                problem.OpB == Transpose.Transposed,
                problem.Alpha,
                k0 == 0 ? problem.Beta : T.One);
            kernel!(grid, viewA, viewB, viewC, args);
        }

        stream.Synchronize();
        Download(stream, viewC, hostC);
    }

    /// <summary>The device copy of a panel: reused when this buffer already holds it, otherwise uploaded.</summary>
    private ArrayView<T> Resident(AcceleratorStream stream, DeviceBuffer buffer, ref PanelKey? held, PanelKey wanted, HostMatrix<T> host)
    {
        if (held == wanted)
        {
            return buffer.Reserve(Count(host));
        }

        held = null; // if the upload fails, the buffer's contents are unknown
        ArrayView<T> view = Upload(stream, buffer, host);
        held = wanted;
        return view;
    }

    public void Dispose()
    {
        a.Dispose();
        b.Dispose();
        c.Dispose();
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

    private ArrayView<T> Upload(AcceleratorStream stream, DeviceBuffer buffer, HostMatrix<T> host)
    {
        int count = Count(host);
        ArrayView<T> view = buffer.Reserve(count);
        if (count == 0)
        {
            return view;
        }

        ReadOnlySpan<T> source;
        if (host.IsContiguous)
        {
            source = host.Data.AsSpan(host.Offset, count);
        }
        else
        {
            Span<T> packed = Stage(count);
            for (int i = 0; i < host.Rows; i++)
            {
                host.Row(i).CopyTo(packed.Slice(i * host.Cols, host.Cols));
            }

            source = packed;
        }

        view.SubView(0, count).CopyFromCPU(stream, source);
        return view;
    }

    private void Download(AcceleratorStream stream, ArrayView<T> view, HostMatrix<T> host)
    {
        int count = Count(host);
        if (host.IsContiguous)
        {
            view.SubView(0, count).CopyToCPU(stream, host.Data.AsSpan(host.Offset, count));
            return;
        }

        Span<T> packed = Stage(count);
        view.SubView(0, count).CopyToCPU(stream, packed);
        for (int i = 0; i < host.Rows; i++)
        {
            packed.Slice(i * host.Cols, host.Cols).CopyTo(host.Row(i));
        }
    }

    private Span<T> Stage(int count)
    {
        if (staging.Length < count)
        {
            staging = new T[Math.Max(count, staging.Length * 2)];
        }

        return staging.AsSpan(0, count);
    }

    /// <summary>A panel of one operation: its first row (A) or column (B), its length, and its range of K.</summary>
    private readonly record struct PanelKey(long Operation, int Start, int Length, int K0, int Depth);

    /// <summary>A device allocation that only grows: tiles reuse it, so steady state allocates nothing.</summary>
    private sealed class DeviceBuffer(Accelerator accelerator) : IDisposable
    {
        private MemoryBuffer1D<T, Stride1D.Dense>? buffer;

        /// <summary>A view of exactly max(1, <paramref name="count"/>) elements (never empty: kernels get a valid
        /// view; exact, so the emulator's bounds checks catch a kernel that reads past the staged operand).</summary>
        public ArrayView<T> Reserve(int count)
        {
            long needed = Math.Max(1, count);
            if (buffer is null || buffer.Length < needed)
            {
                long size = Math.Max(needed, buffer is null ? 0 : Math.Min(2 * buffer.Length, int.MaxValue));
                buffer?.Dispose();
                buffer = null;
                buffer = accelerator.Allocate1D<T>(size);
            }

            return buffer.View.SubView(0, needed);
        }

        public void Dispose()
        {
            buffer?.Dispose();
            buffer = null;
        }
    }
}
