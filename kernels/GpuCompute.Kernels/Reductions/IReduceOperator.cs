namespace GpuCompute.Kernels.Reductions;

/// <summary>
/// A reduction as an operator struct: each element (or pair of elements) is loaded into an accumulator value, and
/// accumulators are combined by an associative operation whose identity is zero (<c>default</c>).
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
internal interface IReduceOperator<T>
    where T : unmanaged
{
    /// <summary>The accumulator value of one element.</summary>
    /// <param name="x">The element.</param>
    /// <returns>Its contribution.</returns>
    T Load(T x);

    /// <summary>The accumulator value of a pair of elements at the same index (used by <see cref="ReductionKernels.Reduce2"/>).</summary>
    /// <param name="x">The first vector's element.</param>
    /// <param name="y">The second vector's element.</param>
    /// <returns>Their contribution.</returns>
    T Load(T x, T y);

    /// <summary>Combines two accumulators.</summary>
    /// <param name="a">The first.</param>
    /// <param name="b">The second.</param>
    /// <returns>Both combined.</returns>
    T Combine(T a, T b);

    /// <summary>Adds one element's contribution to a thread's running accumulator. Sums take a compensated (Neumaier)
    /// step, so a thread's rounding error stays near 2ε·Σ|terms| however many elements it adds; other reductions
    /// <see cref="Combine"/>.</summary>
    /// <param name="accumulator">The thread's accumulator so far.</param>
    /// <param name="term">The contribution (from <see cref="Load(T)"/>).</param>
    /// <returns>The accumulator with the term added.</returns>
    ReduceAccumulator<T> Accumulate(ReduceAccumulator<T> accumulator, T term);

    /// <summary>The accumulator's value (for sums: the sum plus its carried error).</summary>
    /// <param name="accumulator">The accumulator.</param>
    /// <returns>Its value.</returns>
    T Finish(ReduceAccumulator<T> accumulator);
}

/// <summary>A thread's running reduction: the value so far and, for compensated sums, the rounding error carried beside it.</summary>
/// <typeparam name="T">The element type.</typeparam>
/// <param name="value">The value so far.</param>
/// <param name="carry">The rounding error not yet added in (zero for reductions other than sums).</param>
internal readonly struct ReduceAccumulator<T>(T value, T carry)
    where T : unmanaged
{
    /// <summary>The value so far.</summary>
    public T Value { get; } = value;

    /// <summary>The rounding error not yet added in.</summary>
    public T Carry { get; } = carry;
}

/// <summary>The order an arg-min or arg-max reduction uses, as an operator struct.</summary>
/// <typeparam name="T">The element type.</typeparam>
internal interface IExtremeOrder<T>
    where T : unmanaged
{
    /// <summary>True when <paramref name="value"/> is NaN.</summary>
    /// <param name="value">The value.</param>
    /// <returns>Whether it is NaN.</returns>
    bool IsNaN(T value);

    /// <summary>True when <paramref name="candidate"/> strictly beats <paramref name="current"/> (smaller for a
    /// minimum, larger for a maximum; −0 counts as smaller than +0). Neither is NaN.</summary>
    /// <param name="candidate">The new value.</param>
    /// <param name="current">The value held so far.</param>
    /// <returns>Whether the candidate wins.</returns>
    bool Before(T candidate, T current);
}
