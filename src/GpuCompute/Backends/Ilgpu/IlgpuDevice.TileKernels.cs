using GpuCompute.Kernels.Factorizations;
using ILGPU;
using ILGPU.Runtime;

namespace GpuCompute.Backends.Ilgpu;

/// <summary>
/// The base cases of the factorizations' triangular tile kernels (see <see cref="FactorizationKernels"/>), so that
/// POTRF, TRSM and SYRK tasks run on this device's tile copies; the recursion around them is GEMMs.
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
            using MemoryBuffer1D<int, Stride1D.Dense> info = accelerator.Allocate1D<int>(1);
            launch(1, a.View, info.View, args);
            accelerator.Synchronize();
            int[] result = info.GetAsArray1D();
            return result[0];
        }
    }
}
