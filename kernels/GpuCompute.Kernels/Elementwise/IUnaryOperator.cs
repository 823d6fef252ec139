namespace GpuCompute.Kernels.Elementwise;

/// <summary>
/// A function of one element, as an operator struct: the engine's map runs it on every element, on the CPU device as
/// plain C# and on GPUs compiled by ILGPU (so it must not allocate, throw or capture anything).
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
public interface IUnaryOperator<T>
    where T : unmanaged
{
    /// <summary>Returns the result for one element.</summary>
    /// <param name="x">The element.</param>
    /// <returns>f(x).</returns>
    T Apply(T x);
}
