namespace GpuCompute.Kernels.Elementwise;

/// <summary>A function of two elements at the same index, as an operator struct (same rules as <see cref="IUnaryOperator{T}"/>).</summary>
/// <typeparam name="T">The element type.</typeparam>
public interface IBinaryOperator<T>
    where T : unmanaged
{
    /// <summary>Returns the result for one pair of elements.</summary>
    /// <param name="x">The first vector's element.</param>
    /// <param name="y">The second vector's element.</param>
    /// <returns>f(x, y).</returns>
    T Apply(T x, T y);
}
