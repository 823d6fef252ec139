namespace GpuCompute.Kernels.Elementwise;

/// <summary>A function of three elements at the same index, as an operator struct (same rules as <see cref="IUnaryOperator{T}"/>).</summary>
/// <typeparam name="T">The element type.</typeparam>
public interface ITernaryOperator<T>
    where T : unmanaged
{
    /// <summary>Returns the result for one triple of elements.</summary>
    /// <param name="x">The first vector's element.</param>
    /// <param name="y">The second vector's element.</param>
    /// <param name="z">The third vector's element.</param>
    /// <returns>f(x, y, z).</returns>
    T Apply(T x, T y, T z);
}
