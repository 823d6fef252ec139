using System.Runtime.CompilerServices;
using GpuCompute.Devices.Ilgpu;
using GpuCompute.Kernels.Reductions;
using ILGPU;
using ILGPU.Runtime;

namespace GpuCompute.Operations;

/// <summary>
/// Reductions on an ILGPU device part through <see cref="ReductionKernels"/>: a grid of at most a few groups per
/// multiprocessor (each thread accumulating a strided slice in the element type), one partial per group copied to the
/// host and combined there pairwise in double.
/// </summary>
internal static class IlgpuReductions
{
    public static double Reduce<T>(ReductionKind kind, AcceleratorMemory<T> x, AcceleratorMemory<T>? y, double scale)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            var xf = Unsafe.As<AcceleratorMemory<float>>(x);
            var yf = Unsafe.As<AcceleratorMemory<float>?>(y);
            return kind switch
            {
                ReductionKind.Sum => Launch(kind, xf, null, default(SumReduction)),
                ReductionKind.Dot => Launch(kind, xf, yf, default(SumReduction)),
                ReductionKind.AbsSum => Launch(kind, xf, null, default(AbsSumReduction)),
                ReductionKind.SquareSum => Launch(kind, xf, null, new SquareSumReduction(scale)),
                _ => Launch(kind, xf, null, default(MaxAbsReduction)),
            };
        }

        var xd = Unsafe.As<AcceleratorMemory<double>>(x);
        var yd = Unsafe.As<AcceleratorMemory<double>?>(y);
        return kind switch
        {
            ReductionKind.Sum => Launch(kind, xd, null, default(SumReduction)),
            ReductionKind.Dot => Launch(kind, xd, yd, default(SumReduction)),
            ReductionKind.AbsSum => Launch(kind, xd, null, default(AbsSumReduction)),
            ReductionKind.SquareSum => Launch(kind, xd, null, new SquareSumReduction(scale)),
            _ => Launch(kind, xd, null, default(MaxAbsReduction)),
        };
    }

    public static (T Value, long Index) Extreme<T>(AcceleratorMemory<T> x, bool max)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            var xf = Unsafe.As<AcceleratorMemory<float>>(x);
            var (value, index) = max ? Extreme(xf, default(MaxOrder)) : Extreme(xf, default(MinOrder));
            return (Unsafe.As<float, T>(ref value), index);
        }
        else
        {
            var xd = Unsafe.As<AcceleratorMemory<double>>(x);
            var (value, index) = max ? Extreme(xd, default(MaxOrder)) : Extreme(xd, default(MinOrder));
            return (Unsafe.As<double, T>(ref value), index);
        }
    }

    private static double Launch<T, TOperator>(ReductionKind kind, AcceleratorMemory<T> x, AcceleratorMemory<T>? y, TOperator op)
        where T : unmanaged
        where TOperator : struct, IReduceOperator<T>
    {
        IlgpuDevice gpu = x.Owner;
        T[] partials;
        lock (gpu.Gate)
        {
            KernelConfig config = Config(gpu.Accelerator, x.Length);
            ArrayView<T> buffer = gpu.Scratch<T>("reduction partials", config.GridDim.X);
            if (y is null)
            {
                var launch = gpu.Kernel(
                    (typeof(ReductionKernels), "reduce", typeof(T), typeof(TOperator)),
                    a => a.LoadStreamKernel<ArrayView<T>, ArrayView<T>, TOperator>(ReductionKernels.Reduce));
                launch(config, x.View, buffer, op);
            }
            else
            {
                var launch = gpu.Kernel(
                    (typeof(ReductionKernels), "reduce2", typeof(T), typeof(TOperator)),
                    a => a.LoadStreamKernel<ArrayView<T>, ArrayView<T>, ArrayView<T>, TOperator>(ReductionKernels.Reduce2));
                launch(config, x.View, y.View, buffer, op);
            }

            gpu.Accelerator.Synchronize();
            partials = new T[buffer.Length];
            buffer.CopyToCPU(partials);
        }

        var values = new double[partials.Length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = ToDouble(partials[i]);
        }

        return Pairwise.Combine(kind, values);
    }

    private static (T Value, long Index) Extreme<T, TOrder>(AcceleratorMemory<T> x, TOrder order)
        where T : unmanaged
        where TOrder : struct, IExtremeOrder<T>
    {
        IlgpuDevice gpu = x.Owner;
        T[] values;
        long[] indices;
        lock (gpu.Gate)
        {
            KernelConfig config = Config(gpu.Accelerator, x.Length);
            ArrayView<T> valueBuffer = gpu.Scratch<T>("extreme values", config.GridDim.X);
            ArrayView<long> indexBuffer = gpu.Scratch<long>("extreme indices", config.GridDim.X);
            var launch = gpu.Kernel(
                (typeof(ReductionKernels), "extreme", typeof(T), typeof(TOrder)),
                a => a.LoadStreamKernel<ArrayView<T>, ArrayView<T>, ArrayView<long>, TOrder>(ReductionKernels.ArgExtreme));
            launch(config, x.View, valueBuffer, indexBuffer, order);
            gpu.Accelerator.Synchronize();
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
    private static KernelConfig Config(Accelerator accelerator, long length)
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

    private static double ToDouble<T>(T value)
        where T : unmanaged =>
        typeof(T) == typeof(float) ? Unsafe.As<T, float>(ref value) : Unsafe.As<T, double>(ref value);
}
