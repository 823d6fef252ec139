using System.Numerics;
using System.Runtime.CompilerServices;
using GpuCompute.Kernels.Elementwise;
using GpuCompute.Kernels.LinearAlgebra;
using GpuCompute.Kernels.Reductions;
using ILGPU;
using ILGPU.Runtime;

namespace GpuCompute.Backends.Ilgpu;

/// <summary>
/// The device's primitives on its device-resident parts, each an ILGPU kernel compiled once per device, element type
/// and operator, launched under the device's lock in pieces of at most 2³⁰ elements or groups.
/// </summary>
public sealed partial class IlgpuDevice
{
    internal override void Map<T, TOperator>(DeviceBuffer<T> x, DeviceBuffer<T> result, TOperator op)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            var launch = kernels.Get(
                (typeof(ElementwiseKernels), "map", typeof(T), typeof(TOperator)),
                a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, TOperator>(ElementwiseKernels.Map));
            ArrayView<T> xs = x.View, rs = result.View;
            IlgpuLaunch.InPieces(rs.Length, (first, n) => launch(n, xs.SubView(first, n), rs.SubView(first, n), op));
            accelerator.Synchronize();
        }
    }

    internal override void Zip<T, TOperator>(DeviceBuffer<T> x, DeviceBuffer<T> y, DeviceBuffer<T> result, TOperator op)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            var launch = kernels.Get(
                (typeof(ElementwiseKernels), "zip", typeof(T), typeof(TOperator)),
                a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, TOperator>(ElementwiseKernels.Zip));
            ArrayView<T> xs = x.View, ys = y.View, rs = result.View;
            IlgpuLaunch.InPieces(rs.Length, (first, n) => launch(n, xs.SubView(first, n), ys.SubView(first, n), rs.SubView(first, n), op));
            accelerator.Synchronize();
        }
    }

    internal override void Zip<T, TOperator>(DeviceBuffer<T> x, DeviceBuffer<T> y, DeviceBuffer<T> z, DeviceBuffer<T> result, TOperator op)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            var launch = kernels.Get(
                (typeof(ElementwiseKernels), "zip3", typeof(T), typeof(TOperator)),
                a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, TOperator>(ElementwiseKernels.Zip3));
            ArrayView<T> xs = x.View, ys = y.View, zs = z.View, rs = result.View;
            IlgpuLaunch.InPieces(rs.Length, (first, n) => launch(n, xs.SubView(first, n), ys.SubView(first, n), zs.SubView(first, n), rs.SubView(first, n), op));
            accelerator.Synchronize();
        }
    }

    internal override void Fill<T>(T value, DeviceBuffer<T> result)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            var launch = kernels.Get(
                (typeof(ElementwiseKernels), "fill", typeof(T)),
                a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, T>(ElementwiseKernels.Fill));
            ArrayView<T> rs = result.View;
            IlgpuLaunch.InPieces(rs.Length, (first, n) => launch(n, rs.SubView(first, n), value));
            accelerator.Synchronize();
        }
    }

    internal override void Copy<T>(DeviceBuffer<T> x, DeviceBuffer<T> result)
    {
        if (!ReferenceEquals(x, result))
        {
            x.CopyWithinDevice(0, result, 0, result.Length);
        }
    }

    /// <summary>A grid of at most a few groups per multiprocessor (each thread accumulating a strided slice, compensated
    /// for sums), one partial per group copied to the host and combined there pairwise in double.</summary>
    internal override double Reduce<T>(ReductionKind kind, DeviceBuffer<T> x, DeviceBuffer<T>? y, double scale)
    {
        if (typeof(T) == typeof(float))
        {
            return kind switch
            {
                ReductionKind.Sum => Reduce<float, SumReduction>(kind, F(x), null, default),
                ReductionKind.Dot => Reduce<float, SumReduction>(kind, F(x), F(y!), default),
                ReductionKind.AbsSum => Reduce<float, AbsSumReduction>(kind, F(x), null, default),
                ReductionKind.SquareSum => Reduce<float, SquareSumReduction>(kind, F(x), null, new SquareSumReduction(scale)),
                _ => Reduce<float, MaxAbsReduction>(kind, F(x), null, default),
            };
        }

        return kind switch
        {
            ReductionKind.Sum => Reduce<double, SumReduction>(kind, D(x), null, default),
            ReductionKind.Dot => Reduce<double, SumReduction>(kind, D(x), D(y!), default),
            ReductionKind.AbsSum => Reduce<double, AbsSumReduction>(kind, D(x), null, default),
            ReductionKind.SquareSum => Reduce<double, SquareSumReduction>(kind, D(x), null, new SquareSumReduction(scale)),
            _ => Reduce<double, MaxAbsReduction>(kind, D(x), null, default),
        };

        static DeviceBuffer<float> F(DeviceBuffer<T> buffer) => Unsafe.As<DeviceBuffer<float>>(buffer);

        static DeviceBuffer<double> D(DeviceBuffer<T> buffer) => Unsafe.As<DeviceBuffer<double>>(buffer);
    }

    internal override (T Value, long Index) Extreme<T>(DeviceBuffer<T> x, bool max)
    {
        if (typeof(T) == typeof(float))
        {
            var xf = Unsafe.As<DeviceBuffer<float>>(x);
            var (value, index) = max ? Extreme(xf, default(MaxOrder)) : Extreme(xf, default(MinOrder));
            return (Unsafe.As<float, T>(ref value), index);
        }
        else
        {
            var xd = Unsafe.As<DeviceBuffer<double>>(x);
            var (value, index) = max ? Extreme(xd, default(MaxOrder)) : Extreme(xd, default(MinOrder));
            return (Unsafe.As<double, T>(ref value), index);
        }
    }

    /// <summary>One group per row (see <see cref="GemvKernel"/>).</summary>
    internal override void Gemv<T>(T alpha, DeviceBuffer<T> a, long columns, DeviceBuffer<T> x, T beta, DeviceBuffer<T> y)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            var kernel = kernels.Get((typeof(GemvKernel), "gemv", typeof(T)), acc => acc.LoadStreamKernel(
                IlgpuEntryPoints.Gemv<T>().CreateDelegate<Action<ArrayView<T>, ArrayView<T>, ArrayView<T>, GemvArguments<T>>>()));
            int group = LinearAlgebraGroupSize();
            ArrayView<T> av = a.View, xv = x.View, yv = y.View;
            IlgpuLaunch.InPieces(yv.Length, (first, groups) => kernel(new KernelConfig(groups, group), av, xv, yv, new GemvArguments<T>(first, columns, alpha, beta)));
            accelerator.Synchronize();
        }
    }

    /// <summary>The tiled shared-memory <see cref="TransposeKernel"/>.</summary>
    internal override void Transpose<T>(DeviceBuffer<T> source, DeviceBuffer<T> destination, TransposeArguments block)
    {
        if (block.Rows == 0 || block.Columns == 0)
        {
            return;
        }

        lock (gate)
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            var kernel = kernels.Get((typeof(TransposeKernel), "transpose", typeof(T)), acc => acc.LoadStreamKernel(
                IlgpuEntryPoints.Transpose<T>().CreateDelegate<Action<ArrayView<T>, ArrayView<T>, TransposeArguments, long>>()));
            int threads = LinearAlgebraGroupSize();
            int side = Math.Min(TransposeKernel.MaxTile, threads);
            int passRows = Math.Max(1, threads / side);
            var args = new TransposeArguments(block.Rows, block.Columns, block.SourceOffset, block.SourceStride, block.DestinationOffset, block.DestinationStride, side);
            ArrayView<T> from = source.View, to = destination.View;
            IlgpuLaunch.InPieces(
                TransposeKernel.GroupCount(block.Rows, block.Columns, side),
                (done, groups) => kernel(new KernelConfig(new Index2D(groups, 1), new Index2D(side, passRows)), from, to, args, done));
            accelerator.Synchronize();
        }
    }

    /// <summary>Packs the block from the host image, copies it to a temporary on this device and transposes it here.</summary>
    internal override void TransposeFromHost<T>(T[] source, DeviceBuffer<T> destination, TransposeArguments block)
    {
        long rows = block.Rows, columns = block.Columns;
        if (rows == 0 || columns == 0)
        {
            return;
        }

        var packed = new T[rows * columns];
        for (long i = 0; i < rows; i++)
        {
            source.AsSpan((int)(block.SourceOffset + (i * block.SourceStride)), (int)columns).CopyTo(packed.AsSpan((int)(i * columns)));
        }

        using DeviceBuffer<T> temporary = Allocate<T>(packed.Length);
        temporary.CopyFromHost(packed, 0);
        Transpose(temporary, destination, new TransposeArguments(rows, columns, 0, columns, block.DestinationOffset, block.DestinationStride, 0));
    }

    /// <summary>One thread per element of C (see <see cref="BatchedGemmKernel"/>).</summary>
    internal override void GemmBatched<T>(T alpha, DeviceBuffer<T> a, DeviceBuffer<T> b, T beta, DeviceBuffer<T> c, long count, long m, long n, long k)
    {
        var args = new BatchedGemmArguments<T>(count, m, n, k, alpha, beta);
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            var kernel = kernels.Get((typeof(BatchedGemmKernel), "gemm-batched", typeof(T)), acc => acc.LoadStreamKernel(
                IlgpuEntryPoints.BatchedGemm<T>().CreateDelegate<Action<ArrayView<T>, ArrayView<T>, ArrayView<T>, BatchedGemmArguments<T>, long>>()));
            int group = LinearAlgebraGroupSize();
            ArrayView<T> av = a.View, bv = b.View, cv = c.View;
            IlgpuLaunch.InPieces(
                count * m * n,
                (done, threads) => kernel(new KernelConfig((threads + group - 1) / group, group), av, bv, cv, args, done),
                piece: IlgpuLaunch.MaxPerLaunch,
                multiple: group);
            accelerator.Synchronize();
        }
    }

    /// <summary>The group size of the linear-algebra kernels: the largest power of two not above 256 or the device's
    /// limit (16 on the emulator).</summary>
    private int LinearAlgebraGroupSize()
    {
        int limit = Math.Min(GemvKernel.MaxGroupSize, accelerator.MaxNumThreadsPerGroup);
        return 1 << BitOperations.Log2((uint)Math.Max(1, limit));
    }

    private double Reduce<T, TOperator>(ReductionKind kind, DeviceBuffer<T> x, DeviceBuffer<T>? y, TOperator op)
        where T : unmanaged
        where TOperator : struct, IReduceOperator<T>
    {
        T[] partials;
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            KernelConfig config = ReductionGrid(x.Length);
            ArrayView<T> buffer = Scratch<T>("reduction partials", config.GridDim.X);
            if (y is null)
            {
                var launch = kernels.Get(
                    (typeof(ReductionKernels), "reduce", typeof(T), typeof(TOperator)),
                    a => a.LoadStreamKernel<ArrayView<T>, ArrayView<T>, TOperator>(ReductionKernels.Reduce));
                launch(config, x.View, buffer, op);
            }
            else
            {
                var launch = kernels.Get(
                    (typeof(ReductionKernels), "reduce2", typeof(T), typeof(TOperator)),
                    a => a.LoadStreamKernel<ArrayView<T>, ArrayView<T>, ArrayView<T>, TOperator>(ReductionKernels.Reduce2));
                launch(config, x.View, y.View, buffer, op);
            }

            accelerator.Synchronize();
            partials = new T[buffer.Length];
            buffer.CopyToCPU(partials);
        }

        var values = new double[partials.Length];
        for (int i = 0; i < values.Length; i++)
        {
            T partial = partials[i];
            values[i] = typeof(T) == typeof(float) ? Unsafe.As<T, float>(ref partial) : Unsafe.As<T, double>(ref partial);
        }

        return Pairwise.Combine(kind, values);
    }

    private (T Value, long Index) Extreme<T, TOrder>(DeviceBuffer<T> x, TOrder order)
        where T : unmanaged
        where TOrder : struct, IExtremeOrder<T>
    {
        T[] values;
        long[] indices;
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            KernelConfig config = ReductionGrid(x.Length);
            ArrayView<T> valueBuffer = Scratch<T>("extreme values", config.GridDim.X);
            ArrayView<long> indexBuffer = Scratch<long>("extreme indices", config.GridDim.X);
            var launch = kernels.Get(
                (typeof(ReductionKernels), "extreme", typeof(T), typeof(TOrder)),
                a => a.LoadStreamKernel<ArrayView<T>, ArrayView<T>, ArrayView<long>, TOrder>(ReductionKernels.ArgExtreme));
            launch(config, x.View, valueBuffer, indexBuffer, order);
            accelerator.Synchronize();
            values = new T[valueBuffer.Length];
            indices = new long[indexBuffer.Length];
            valueBuffer.CopyToCPU(values);
            indexBuffer.CopyToCPU(indices);
        }

        (T Value, long Index) best = (default, -1);
        for (int g = 0; g < values.Length; g++)
        {
            if (ReductionKernels.Prefer(order, values[g], indices[g], best.Value, best.Index))
            {
                best = (values[g], indices[g]);
            }
        }

        return best;
    }

    /// <summary>Groups of the largest power of two up to 256 the device allows; enough groups to fill the device
    /// (a few per multiprocessor) but no more than the elements need.</summary>
    private KernelConfig ReductionGrid(long length)
    {
        int groupSize = 1;
        while (groupSize * 2 <= Math.Min(ReductionKernels.MaxGroupSize, accelerator.MaxNumThreadsPerGroup))
        {
            groupSize *= 2;
        }

        long perMultiprocessor = Math.Max(1, accelerator.MaxNumThreadsPerMultiprocessor / groupSize);
        long fill = Math.Max(1, accelerator.NumMultiprocessors * perMultiprocessor);
        long needed = Math.Max(1, (length + groupSize - 1) / groupSize);
        return new KernelConfig((int)Math.Min(fill, needed), groupSize);
    }
}
