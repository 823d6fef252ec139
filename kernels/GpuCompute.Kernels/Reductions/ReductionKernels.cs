using ILGPU;

namespace GpuCompute.Kernels.Reductions;

/// <summary>
/// Reduction kernels (explicitly grouped, at most <see cref="MaxGroupSize"/> threads per group): every thread
/// accumulates a strided slice (indices thread, thread + grid size, …) with <see cref="IReduceOperator{T}.Accumulate"/>
/// (compensated for sums, so a thread's error does not grow with the slice), a shared-memory tree combines the group's
/// threads (log₂ of the group size additions), and thread 0 writes one partial per group. The host combines the
/// partials pairwise in double.
/// </summary>
internal static class ReductionKernels
{
    /// <summary>The largest group the kernels' shared memory holds.</summary>
    public const int MaxGroupSize = 256;

    /// <summary>partials[group] ← the group's combination of op.Load(x[i]).</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <typeparam name="TOperator">The reduction.</typeparam>
    /// <param name="x">The input.</param>
    /// <param name="partials">One value per group.</param>
    /// <param name="op">The reduction's state.</param>
    public static void Reduce<T, TOperator>(ArrayView<T> x, ArrayView<T> partials, TOperator op)
        where T : unmanaged
        where TOperator : struct, IReduceOperator<T>
    {
        ReduceAccumulator<T> accumulator = default;
        long stride = (long)Grid.DimX * Group.DimX;
        for (long i = Grid.GlobalIndex.X; i < x.Length; i += stride)
        {
            accumulator = op.Accumulate(accumulator, op.Load(x[i]));
        }

        FinishGroup(op.Finish(accumulator), partials, op);
    }

    /// <summary>partials[group] ← the group's combination of op.Load(x[i], y[i]).</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <typeparam name="TOperator">The reduction.</typeparam>
    /// <param name="x">The first input.</param>
    /// <param name="y">The second input (as long as <paramref name="x"/>).</param>
    /// <param name="partials">One value per group.</param>
    /// <param name="op">The reduction's state.</param>
    public static void Reduce2<T, TOperator>(ArrayView<T> x, ArrayView<T> y, ArrayView<T> partials, TOperator op)
        where T : unmanaged
        where TOperator : struct, IReduceOperator<T>
    {
        ReduceAccumulator<T> accumulator = default;
        long stride = (long)Grid.DimX * Group.DimX;
        long n = Math.Min(x.Length, y.Length);
        for (long i = Grid.GlobalIndex.X; i < n; i += stride)
        {
            accumulator = op.Accumulate(accumulator, op.Load(x[i], y[i]));
        }

        FinishGroup(op.Finish(accumulator), partials, op);
    }

    /// <summary>(values, indices)[group] ← the group's extreme of x by <paramref name="order"/> and its index: the first
    /// index on ties, the first NaN if there is one; index −1 for a group that saw no element.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <typeparam name="TOrder">Minimum or maximum.</typeparam>
    /// <param name="x">The input.</param>
    /// <param name="values">One value per group.</param>
    /// <param name="indices">One index (into <paramref name="x"/>) per group.</param>
    /// <param name="order">The order.</param>
    public static void ArgExtreme<T, TOrder>(ArrayView<T> x, ArrayView<T> values, ArrayView<long> indices, TOrder order)
        where T : unmanaged
        where TOrder : struct, IExtremeOrder<T>
    {
        ArrayView<T> sharedValues = SharedMemory.Allocate<T>(MaxGroupSize);
        ArrayView<long> sharedIndices = SharedMemory.Allocate<long>(MaxGroupSize);
        T best = default;
        long bestIndex = -1;
        long stride = (long)Grid.DimX * Group.DimX;
        for (long i = Grid.GlobalIndex.X; i < x.Length; i += stride)
        {
            T value = x[i];
            if (Prefer(order, value, i, best, bestIndex))
            {
                best = value;
                bestIndex = i;
            }
        }

        int thread = Group.IdxX;
        sharedValues[thread] = best;
        sharedIndices[thread] = bestIndex;
        Group.Barrier();
        for (int active = Group.DimX; active > 1;)
        {
            int half = (active + 1) / 2;
            if (thread < half && thread + half < active
                && Prefer(order, sharedValues[thread + half], sharedIndices[thread + half], sharedValues[thread], sharedIndices[thread]))
            {
                sharedValues[thread] = sharedValues[thread + half];
                sharedIndices[thread] = sharedIndices[thread + half];
            }

            Group.Barrier();
            active = half;
        }

        if (thread == 0 && Grid.IdxX < values.Length && Grid.IdxX < indices.Length)
        {
            values[Grid.IdxX] = sharedValues[0];
            indices[Grid.IdxX] = sharedIndices[0];
        }
    }

    /// <summary>
    /// True when (<paramref name="value"/>, <paramref name="index"/>) should replace (<paramref name="current"/>,
    /// <paramref name="currentIndex"/>) as the extreme: a NaN beats any number, and the lower index wins between two NaNs
    /// or two equal values. An index below zero marks "no element".
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <typeparam name="TOrder">Minimum or maximum.</typeparam>
    /// <param name="order">The order.</param>
    /// <param name="value">The candidate value.</param>
    /// <param name="index">The candidate's index.</param>
    /// <param name="current">The value held so far.</param>
    /// <param name="currentIndex">Its index.</param>
    /// <returns>Whether the candidate wins.</returns>
    public static bool Prefer<T, TOrder>(TOrder order, T value, long index, T current, long currentIndex)
        where T : unmanaged
        where TOrder : struct, IExtremeOrder<T>
    {
        if (index < 0)
        {
            return false;
        }

        if (currentIndex < 0)
        {
            return true;
        }

        bool nan = order.IsNaN(value);
        bool currentNan = order.IsNaN(current);
        if (nan || currentNan)
        {
            return nan && (!currentNan || index < currentIndex);
        }

        if (order.Before(value, current))
        {
            return true;
        }

        return !order.Before(current, value) && index < currentIndex;
    }

    private static void FinishGroup<T, TOperator>(T sum, ArrayView<T> partials, TOperator op)
        where T : unmanaged
        where TOperator : struct, IReduceOperator<T>
    {
        ArrayView<T> shared = SharedMemory.Allocate<T>(MaxGroupSize);
        int thread = Group.IdxX;
        shared[thread] = sum;
        Group.Barrier();
        for (int active = Group.DimX; active > 1;)
        {
            int half = (active + 1) / 2;
            if (thread < half && thread + half < active)
            {
                shared[thread] = op.Combine(shared[thread], shared[thread + half]);
            }

            Group.Barrier();
            active = half;
        }

        if (thread == 0 && Grid.IdxX < partials.Length)
        {
            partials[Grid.IdxX] = shared[0];
        }
    }
}
