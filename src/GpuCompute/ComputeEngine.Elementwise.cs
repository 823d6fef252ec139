using System.Numerics;
using System.Runtime.CompilerServices;
using GpuCompute.Data;
using GpuCompute.Kernels.Elementwise;
using GpuCompute.Matrices;
using GpuCompute.Operations;
using GpuCompute.Scheduling;

namespace GpuCompute;

/// <summary>Element-wise operations on device vectors: each device computes its own part, in place where asked.</summary>
/// <remarks>
/// Every vector of one call must have the same length and split (make them with the same <see cref="DataLayout"/>);
/// the result may be one of the inputs. On the CPU device built-in operators run as SIMD code (TensorPrimitives) on
/// every core in chunks of 32K elements, user operators as a scalar loop; on GPUs every operator is an ILGPU kernel,
/// one element per thread, compiled once per device, element type and operator.
/// </remarks>
public sealed partial class ComputeEngine
{
    /// <summary>result[i] ← op(x[i]) for every i. Blocks until every device is done.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <typeparam name="TOperator">The function: a built-in operator (<see cref="ExpOperator"/>, <see cref="ReluOperator"/>,
    /// <see cref="ScaleOperator"/>) or a user struct (public, so ILGPU can compile it for GPUs).</typeparam>
    /// <param name="x">The input.</param>
    /// <param name="result">The output; may be <paramref name="x"/>.</param>
    /// <param name="op">The operator's state (fields such as a factor); <c>default</c> for stateless operators.</param>
    /// <exception cref="ArgumentNullException">A vector is null.</exception>
    /// <exception cref="ArgumentException">The vectors' lengths or splits differ, a vector belongs to another engine, or
    /// ILGPU cannot see the operator type.</exception>
    /// <exception cref="ObjectDisposedException">A vector or the engine was disposed.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    /// <exception cref="Backends.DeviceFailedException">A device failed.</exception>
    public OperationReport Map<T, TOperator>(DeviceVector<T> x, DeviceVector<T> result, TOperator op = default)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : struct, IUnaryOperator<T> =>
        ElementwiseOperation.Map(this, x, result, op);

    /// <summary>result[i] ← op(x[i], y[i]) for every i. Blocks until every device is done.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <typeparam name="TOperator">The function: a built-in operator (<see cref="AddOperator"/>, <see cref="SubtractOperator"/>,
    /// <see cref="MultiplyOperator"/>, <see cref="AxpyOperator"/>) or a public user struct.</typeparam>
    /// <param name="x">The first input.</param>
    /// <param name="y">The second input.</param>
    /// <param name="result">The output; may be an input.</param>
    /// <param name="op">The operator's state; <c>default</c> for stateless operators.</param>
    /// <exception cref="ArgumentNullException">A vector is null.</exception>
    /// <exception cref="ArgumentException">The vectors' lengths or splits differ, a vector belongs to another engine, or
    /// ILGPU cannot see the operator type.</exception>
    /// <exception cref="ObjectDisposedException">A vector or the engine was disposed.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    /// <exception cref="Backends.DeviceFailedException">A device failed.</exception>
    public OperationReport Zip<T, TOperator>(DeviceVector<T> x, DeviceVector<T> y, DeviceVector<T> result, TOperator op = default)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : struct, IBinaryOperator<T> =>
        ElementwiseOperation.Zip(this, x, y, result, op);

    /// <summary>result[i] ← op(x[i], y[i], z[i]) for every i. Blocks until every device is done.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <typeparam name="TOperator">The function: <see cref="MultiplyAddOperator"/> or a public user struct.</typeparam>
    /// <param name="x">The first input.</param>
    /// <param name="y">The second input.</param>
    /// <param name="z">The third input.</param>
    /// <param name="result">The output; may be an input.</param>
    /// <param name="op">The operator's state; <c>default</c> for stateless operators.</param>
    /// <exception cref="ArgumentNullException">A vector is null.</exception>
    /// <exception cref="ArgumentException">The vectors' lengths or splits differ, a vector belongs to another engine, or
    /// ILGPU cannot see the operator type.</exception>
    /// <exception cref="ObjectDisposedException">A vector or the engine was disposed.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    /// <exception cref="Backends.DeviceFailedException">A device failed.</exception>
    public OperationReport Zip<T, TOperator>(DeviceVector<T> x, DeviceVector<T> y, DeviceVector<T> z, DeviceVector<T> result, TOperator op = default)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : struct, ITernaryOperator<T> =>
        ElementwiseOperation.Zip(this, x, y, z, result, op);

    /// <summary>result ← x + y, element-wise. See <see cref="Zip{T, TOperator}(DeviceVector{T}, DeviceVector{T}, DeviceVector{T}, TOperator)"/>.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="x">The first input.</param>
    /// <param name="y">The second input.</param>
    /// <param name="result">The output; may be an input.</param>
    public OperationReport Add<T>(DeviceVector<T> x, DeviceVector<T> y, DeviceVector<T> result)
        where T : unmanaged, IFloatingPointIeee754<T>
        => ZipBuiltIn(x, y, result, default(AddOperator));

    /// <summary>result ← x − y, element-wise. See <see cref="Zip{T, TOperator}(DeviceVector{T}, DeviceVector{T}, DeviceVector{T}, TOperator)"/>.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="x">The first input.</param>
    /// <param name="y">The second input.</param>
    /// <param name="result">The output; may be an input.</param>
    public OperationReport Subtract<T>(DeviceVector<T> x, DeviceVector<T> y, DeviceVector<T> result)
        where T : unmanaged, IFloatingPointIeee754<T>
        => ZipBuiltIn(x, y, result, default(SubtractOperator));

    /// <summary>result ← x · y, element by element (the Hadamard product; MathNet's name for it). A matrix product is
    /// <c>Multiply</c> or <c>Gemm</c>. See <see cref="Zip{T, TOperator}(DeviceVector{T}, DeviceVector{T}, DeviceVector{T}, TOperator)"/>.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="x">The first input.</param>
    /// <param name="y">The second input.</param>
    /// <param name="result">The output; may be an input.</param>
    public OperationReport PointwiseMultiply<T>(DeviceVector<T> x, DeviceVector<T> y, DeviceVector<T> result)
        where T : unmanaged, IFloatingPointIeee754<T>
        => ZipBuiltIn(x, y, result, default(MultiplyOperator));

    /// <summary>result ← α·x, element by element in IEEE arithmetic (so α = 0 maps NaN and ±∞ to NaN, unlike BLAS
    /// implementations that special-case it). See <see cref="Map{T, TOperator}(DeviceVector{T}, DeviceVector{T}, TOperator)"/>.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="alpha">The factor.</param>
    /// <param name="x">The input.</param>
    /// <param name="result">The output; may be <paramref name="x"/>.</param>
    public OperationReport Scale<T>(T alpha, DeviceVector<T> x, DeviceVector<T> result)
        where T : unmanaged, IFloatingPointIeee754<T>
        => MapBuiltIn(x, result, new ScaleOperator(double.CreateTruncating(alpha)));

    /// <summary>y ← α·x + y (BLAS axpy), each element with one fused multiply-add on the CPU device and CUDA.</summary>
    /// <remarks>With α = 0, y is left as it is and x is not read (NaN or infinity in x does not reach y), as in BLAS.</remarks>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="alpha">The factor.</param>
    /// <param name="x">The input.</param>
    /// <param name="y">The input and output.</param>
    public OperationReport Axpy<T>(T alpha, DeviceVector<T> x, DeviceVector<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (T.IsZero(alpha))
        {
            ElementwiseOperation.CheckOperands<T, AxpyOperator>(this, x, nameof(x), y, nameof(y));
            return PartExecution.Nothing(y.Layout, "an axpy with α = 0");
        }

        return ZipBuiltIn(x, y, y, new AxpyOperator(double.CreateTruncating(alpha)));
    }

    /// <summary>result ← x·y + z, element-wise, fused (rounded once) on the CPU device and CUDA.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="x">The first factor.</param>
    /// <param name="y">The second factor.</param>
    /// <param name="z">The addend.</param>
    /// <param name="result">The output; may be an input.</param>
    public OperationReport MultiplyAdd<T>(DeviceVector<T> x, DeviceVector<T> y, DeviceVector<T> z, DeviceVector<T> result)
        where T : unmanaged, IFloatingPointIeee754<T>
        => ZipBuiltIn(x, y, z, result, default(MultiplyAddOperator));

    /// <summary>result ← max(x, 0), element-wise (NaN stays NaN, −0 gives +0).</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="x">The input.</param>
    /// <param name="result">The output; may be <paramref name="x"/>.</param>
    public OperationReport Relu<T>(DeviceVector<T> x, DeviceVector<T> result)
        where T : unmanaged, IFloatingPointIeee754<T>
        => MapBuiltIn(x, result, default(ReluOperator));

    /// <summary>result ← eˣ, element-wise (within a few ulp: SIMD approximations on the CPU device, the device's exp on GPUs).</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="x">The input.</param>
    /// <param name="result">The output; may be <paramref name="x"/>.</param>
    public OperationReport Exp<T>(DeviceVector<T> x, DeviceVector<T> result)
        where T : unmanaged, IFloatingPointIeee754<T>
        => MapBuiltIn(x, result, default(ExpOperator));

    /// <summary>Sets every element of <paramref name="result"/> to <paramref name="value"/>. Blocks until done.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="value">The value.</param>
    /// <param name="result">The vector to fill.</param>
    /// <exception cref="ArgumentNullException">The vector is null.</exception>
    /// <exception cref="ArgumentException">The vector belongs to another engine.</exception>
    /// <exception cref="ObjectDisposedException">The vector or the engine was disposed.</exception>
    public OperationReport Fill<T>(T value, DeviceVector<T> result)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        ElementwiseOperation.Fill(this, value, result);

    /// <summary>result ← x, each device copying its own part. Blocks until done.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="x">The source.</param>
    /// <param name="result">The destination (same length and split); copying a vector onto itself does nothing.</param>
    /// <exception cref="ArgumentNullException">A vector is null.</exception>
    /// <exception cref="ArgumentException">The lengths or splits differ, or a vector belongs to another engine.</exception>
    /// <exception cref="ObjectDisposedException">A vector or the engine was disposed.</exception>
    public OperationReport Copy<T>(DeviceVector<T> x, DeviceVector<T> result)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        ElementwiseOperation.Copy(this, x, result);

    // The built-in operators implement both precisions in one struct; these pick the interface for T (the typeof tests
    // fold away in the JIT's specialization).
    private OperationReport MapBuiltIn<T, TOperator>(DeviceVector<T> x, DeviceVector<T> result, TOperator op)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : struct, IUnaryOperator<float>, IUnaryOperator<double>
    {
        if (typeof(T) == typeof(float))
        {
            return Map(F(x), F(result), op);
        }
        else
        {
            ScalarType.EnsureSupported<T>();
            return Map(D(x), D(result), op);
        }
    }

    private OperationReport ZipBuiltIn<T, TOperator>(DeviceVector<T> x, DeviceVector<T> y, DeviceVector<T> result, TOperator op)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : struct, IBinaryOperator<float>, IBinaryOperator<double>
    {
        if (typeof(T) == typeof(float))
        {
            return Zip(F(x), F(y), F(result), op);
        }
        else
        {
            ScalarType.EnsureSupported<T>();
            return Zip(D(x), D(y), D(result), op);
        }
    }

    private OperationReport ZipBuiltIn<T, TOperator>(DeviceVector<T> x, DeviceVector<T> y, DeviceVector<T> z, DeviceVector<T> result, TOperator op)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : struct, ITernaryOperator<float>, ITernaryOperator<double>
    {
        if (typeof(T) == typeof(float))
        {
            return Zip(F(x), F(y), F(z), F(result), op);
        }
        else
        {
            ScalarType.EnsureSupported<T>();
            return Zip(D(x), D(y), D(z), D(result), op);
        }
    }

    private static DeviceVector<float> F<T>(DeviceVector<T> vector)
        where T : unmanaged => Unsafe.As<DeviceVector<float>>(vector);

    private static DeviceVector<double> D<T>(DeviceVector<T> vector)
        where T : unmanaged => Unsafe.As<DeviceVector<double>>(vector);
}
