namespace GpuCompute.Kernels.Reductions;

/// <summary>
/// A reduction as an operator struct: each element (or pair of elements) is loaded into an accumulator value, and
/// accumulators are combined by an associative operation whose identity is zero (<c>default</c>).
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
public interface IReduceOperator<T>
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
}

/// <summary>The order an arg-min or arg-max reduction uses, as an operator struct.</summary>
/// <typeparam name="T">The element type.</typeparam>
public interface IExtremeOrder<T>
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
