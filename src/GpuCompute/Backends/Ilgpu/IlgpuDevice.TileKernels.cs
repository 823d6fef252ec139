using GpuCompute.Kernels.Factorizations;
using ILGPU;
using ILGPU.Runtime;

namespace GpuCompute.Backends.Ilgpu;

/// <summary>
/// The base cases of the factorizations' tile kernels (see <see cref="FactorizationKernels"/> and
/// <see cref="PanelKernels"/>), so that POTRF, TRSM, SYRK and the LU and QR panel tasks run on this device's tile
/// copies; the recursion around them is GEMMs.
/// </summary>
public sealed partial class IlgpuDevice
{
    internal override bool RunsTileKernels => true;

    /// <summary>One thread per right-hand side.</summary>
    internal override void TriangularSolve<T>(DeviceBuffer<T> m, DeviceBuffer<T> b, TriangularSolveArguments args)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            var launch = kernels.Get((typeof(FactorizationKernels), "solve", typeof(T)), a => a.LoadAutoGroupedStreamKernel(
                IlgpuEntryPoints.TriangularSolve<T>().CreateDelegate<Action<Index1D, ArrayView<T>, ArrayView<T>, TriangularSolveArguments>>()));
            ArrayView<T> mv = m.View, bv = b.View;
            IlgpuLaunch.InPieces(args.Vectors, (first, count) => launch(count, mv, bv, args with { FirstVector = first }));
            accelerator.Synchronize();
        }
    }

    /// <summary>One thread per element of the block (those above the diagonal return at once).</summary>
    internal override void SyrkLower<T>(DeviceBuffer<T> a, DeviceBuffer<T> c, SyrkArguments args)
    {
        if (args.Order == 0)
        {
            return;
        }

        lock (gate)
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            var launch = kernels.Get((typeof(FactorizationKernels), "syrk", typeof(T)), acc => acc.LoadAutoGroupedStreamKernel(
                IlgpuEntryPoints.SyrkLower<T>().CreateDelegate<Action<Index2D, ArrayView<T>, ArrayView<T>, SyrkArguments>>()));
            launch(new Index2D(args.Order, args.Order), a.View, c.View, args);
            accelerator.Synchronize();
        }
    }

    /// <summary>One thread; the result code comes back through a one-element buffer.</summary>
    internal override int Potrf<T>(DeviceBuffer<T> a, PotrfArguments args)
    {
        if (args.Order == 0)
        {
            return -1;
        }

        lock (gate)
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            var launch = kernels.Get((typeof(FactorizationKernels), "potrf", typeof(T)), acc => acc.LoadAutoGroupedStreamKernel(
                IlgpuEntryPoints.Potrf<T>().CreateDelegate<Action<Index1D, ArrayView<T>, ArrayView<int>, PotrfArguments>>()));
            ArrayView<int> info = Scratch<int>("tile result", 1);
            launch(1, a.View, info, args);
            accelerator.Synchronize();
            Span<int> result = stackalloc int[1];
            info.CopyToCPU(result);
            return result[0];
        }
    }

    /// <summary>One group; the result code and the pivots come back through a small buffer.</summary>
    internal override int LuColumns<T>(DeviceBuffer<T> a, PanelArguments args, Span<int> pivots)
    {
        if (args.Cols == 0)
        {
            return -1;
        }

        lock (gate)
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            var launch = kernels.Get((typeof(PanelKernels), "lu", typeof(T)), acc => acc.LoadStreamKernel(
                IlgpuEntryPoints.LuColumns<T>().CreateDelegate<Action<ArrayView<T>, ArrayView<int>, PanelArguments>>()));
            ArrayView<int> result = Scratch<int>("tile result", args.Cols + 1);
            launch(new KernelConfig(1, PanelGroupSize), a.View, result, args);
            accelerator.Synchronize();
            int[] codes = new int[args.Cols + 1];
            result.CopyToCPU(codes);
            codes.AsSpan(1, args.Cols).CopyTo(pivots);
            return codes[0];
        }
    }

    /// <summary>One thread per column; the pivots go up in a small buffer.</summary>
    internal override void SwapRows<T>(DeviceBuffer<T> a, ReadOnlySpan<int> pivots, RowSwapArguments args)
    {
        if (args.Cols == 0 || args.Count == 0)
        {
            return;
        }

        lock (gate)
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            var launch = kernels.Get((typeof(PanelKernels), "swap", typeof(T)), acc => acc.LoadAutoGroupedStreamKernel(
                IlgpuEntryPoints.SwapRows<T>().CreateDelegate<Action<Index1D, ArrayView<T>, ArrayView<int>, RowSwapArguments>>()));
            ArrayView<int> rows = Scratch<int>("pivots", args.Count);
            rows.CopyFromCPU(pivots[..args.Count]);
            launch(args.Cols, a.View, rows, args);
            accelerator.Synchronize();
        }
    }

    /// <summary>One group; the scalars come back through a small buffer.</summary>
    internal override void QrColumns<T>(DeviceBuffer<T> a, DeviceBuffer<T> v, DeviceBuffer<T> t, QrPanelArguments args, Span<T> tau)
    {
        if (args.A.Cols == 0)
        {
            return;
        }

        // The kernel keeps a column's dot products with the earlier ones in a shared array of MaxColumns.
        ArgumentOutOfRangeException.ThrowIfGreaterThan(args.A.Cols, PanelKernels.MaxColumns, "columns");

        lock (gate)
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            var launch = kernels.Get((typeof(PanelKernels), "qr", typeof(T)), acc => acc.LoadStreamKernel(
                IlgpuEntryPoints.QrColumns<T>().CreateDelegate<Action<ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, QrPanelArguments>>()));
            ArrayView<T> scalars = Scratch<T>("tau", args.A.Cols);
            launch(new KernelConfig(1, PanelGroupSize), a.View, v.View, t.View, scalars, args);
            accelerator.Synchronize();
            scalars.CopyToCPU(tau[..args.A.Cols]);
        }
    }

    /// <summary>The panel kernels' one group: as large as the device allows, up to their shared arrays' size.</summary>
    private int PanelGroupSize => Math.Min(PanelKernels.MaxGroupSize, accelerator.MaxNumThreadsPerGroup);
}
