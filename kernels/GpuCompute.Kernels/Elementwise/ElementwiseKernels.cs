using ILGPU;

namespace GpuCompute.Kernels.Elementwise;

/// <summary>
/// Element-wise kernels (implicitly grouped, one element per thread). The engine launches them over one device's part
/// of the vectors, in launches of at most 2³⁰ elements (sub-views); every thread checks its index against the result.
/// </summary>
internal static class ElementwiseKernels
{
    /// <summary>result[i] ← op(x[i]).</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <typeparam name="TOperator">The function.</typeparam>
    /// <param name="index">The element.</param>
    /// <param name="x">The input.</param>
    /// <param name="result">The output (may be <paramref name="x"/>).</param>
    /// <param name="op">The function's state.</param>
    public static void Map<T, TOperator>(Index1D index, ArrayView<T> x, ArrayView<T> result, TOperator op)
        where T : unmanaged
        where TOperator : struct, IUnaryOperator<T>
    {
        if (index < result.Length)
        {
            result[index] = op.Apply(x[index]);
        }
    }

    /// <summary>result[i] ← op(x[i], y[i]).</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <typeparam name="TOperator">The function.</typeparam>
    /// <param name="index">The element.</param>
    /// <param name="x">The first input.</param>
    /// <param name="y">The second input.</param>
    /// <param name="result">The output (may be an input).</param>
    /// <param name="op">The function's state.</param>
    public static void Zip<T, TOperator>(Index1D index, ArrayView<T> x, ArrayView<T> y, ArrayView<T> result, TOperator op)
        where T : unmanaged
        where TOperator : struct, IBinaryOperator<T>
    {
        if (index < result.Length)
        {
            result[index] = op.Apply(x[index], y[index]);
        }
    }

    /// <summary>result[i] ← op(x[i], y[i], z[i]).</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <typeparam name="TOperator">The function.</typeparam>
    /// <param name="index">The element.</param>
    /// <param name="x">The first input.</param>
    /// <param name="y">The second input.</param>
    /// <param name="z">The third input.</param>
    /// <param name="result">The output (may be an input).</param>
    /// <param name="op">The function's state.</param>
    public static void Zip3<T, TOperator>(Index1D index, ArrayView<T> x, ArrayView<T> y, ArrayView<T> z, ArrayView<T> result, TOperator op)
        where T : unmanaged
        where TOperator : struct, ITernaryOperator<T>
    {
        if (index < result.Length)
        {
            result[index] = op.Apply(x[index], y[index], z[index]);
        }
    }

    /// <summary>result[i] ← value.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="index">The element.</param>
    /// <param name="result">The output.</param>
    /// <param name="value">The value.</param>
    public static void Fill<T>(Index1D index, ArrayView<T> result, T value)
        where T : unmanaged
    {
        if (index < result.Length)
        {
            result[index] = value;
        }
    }
}
