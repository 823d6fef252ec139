using System.Numerics;
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

    public GemmRunner(Accelerator accelerator)
    {
        this.accelerator = accelerator;
        a = new DeviceBuffer(accelerator);
        b = new DeviceBuffer(accelerator);
        c = new DeviceBuffer(accelerator);
    }

    public void Warm() => kernel ??= accelerator.LoadStreamKernel<ArrayView<T>, ArrayView<T>, ArrayView<T>, GemmArguments<T>>(
        GemmKernel.Gemm<T, TScalar, TConfig>);

    public void Run(GemmProblem<T> problem, GemmTile tile)
    {
        if (tile.Rows == 0 || tile.Cols == 0)
        {
            return;
        }

        Warm();
        HostMatrix<T> hostA = problem.TileA(tile);
        HostMatrix<T> hostB = problem.TileB(tile);
        HostMatrix<T> hostC = problem.TileC(tile);
        bool readC = !T.IsZero(problem.Beta);

        AcceleratorStream stream = accelerator.DefaultStream;
        ArrayView<T> viewA = Upload(stream, a, hostA);
        ArrayView<T> viewB = Upload(stream, b, hostB);
        ArrayView<T> viewC = readC ? Upload(stream, c, hostC) : c.Reserve(Count(hostC));

        // Staged panels are packed, so each leading dimension is the panel's column count (at least 1).
        var args = new GemmArguments<T>(
            tile.Rows,
            tile.Cols,
            problem.K,
            Math.Max(1, hostA.Cols),
            Math.Max(1, hostB.Cols),
            hostC.Cols,
            problem.OpA == Transpose.Transposed,
            problem.OpB == Transpose.Transposed,
            problem.Alpha,
            problem.Beta);
        TConfig config = default;
        (int groupsX, int groupsY) = GemmKernel.GetGridSize<TConfig>(tile.Rows, tile.Cols);
        kernel!(new KernelConfig(new Index2D(groupsX, groupsY), new Index2D(config.ThreadsX, config.ThreadsY)), viewA, viewB, viewC, args);
        stream.Synchronize();
        Download(stream, viewC, hostC);
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
