using System.Numerics;
using GpuCompute.Backends;
using GpuCompute.Data;
using GpuCompute.Matrices;
using GpuCompute.Operations;
using GpuCompute.Scheduling;

namespace GpuCompute;

/// <summary>Reductions of device vectors to one value: sums, dot products, norms, minimum and maximum.</summary>
/// <remarks>
/// <para>Accuracy. On the CPU device each chunk of 32K elements is reduced in blocks of 1024 elements with SIMD lanes in
/// the element type (TensorPrimitives), and the block results are combined pairwise in double, as are the chunks'.
/// On GPUs each thread accumulates a strided slice in the element type, a shared-memory tree combines each group's
/// threads into one partial, and the partials are copied to the host and combined pairwise in double. The devices'
/// results are combined on the host in double. So an f32 sum's error stays near (block length / lanes + log₂ n)·ε·Σ|x|
/// instead of the n·ε·Σ|x| of a plain loop.</para>
/// <para>Sum, dot product and norms of an empty vector are 0; its minimum and maximum do not exist (an exception).</para>
/// </remarks>
public sealed partial class ComputeEngine
{
    /// <summary>Σ x[i]. Blocks until every device is done.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="x">The vector.</param>
    /// <returns>The sum (0 for an empty vector).</returns>
    /// <exception cref="ArgumentNullException">The vector is null.</exception>
    /// <exception cref="ArgumentException">The vector belongs to another engine.</exception>
    /// <exception cref="ObjectDisposedException">The vector or the engine was disposed.</exception>
    public T Sum<T>(DeviceVector<T> x)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Sum(x, out _);

    /// <summary>Σ x[i], with what each device did. See <see cref="Sum{T}(DeviceVector{T})"/>.</summary>
    public T Sum<T>(DeviceVector<T> x, out OperationReport report)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckReduction(x, nameof(x));
        return T.CreateTruncating(Reduce(ReductionKind.Sum, x, null, 1.0, "a sum", out report));
    }

    /// <summary>Σ x[i]·y[i]. Blocks until every device is done.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="x">The first vector.</param>
    /// <param name="y">The second vector (same length and split).</param>
    /// <returns>The dot product (0 for empty vectors).</returns>
    /// <exception cref="ArgumentNullException">A vector is null.</exception>
    /// <exception cref="ArgumentException">The lengths or splits differ, or a vector belongs to another engine.</exception>
    /// <exception cref="ObjectDisposedException">A vector or the engine was disposed.</exception>
    public T Dot<T>(DeviceVector<T> x, DeviceVector<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Dot(x, y, out _);

    /// <summary>Σ x[i]·y[i], with what each device did. See <see cref="Dot{T}(DeviceVector{T}, DeviceVector{T})"/>.</summary>
    public T Dot<T>(DeviceVector<T> x, DeviceVector<T> y, out OperationReport report)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckReduction(x, nameof(x));
        ElementwiseOperation.CheckVector(this, y, nameof(y));
        DataGuard.SameLayout(x.Storage, nameof(x), y.Storage, nameof(y));
        return T.CreateTruncating(Reduce(ReductionKind.Dot, x, y, 1.0, "a dot product", out report));
    }

    /// <summary>Σ |x[i]|. Blocks until every device is done.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="x">The vector.</param>
    /// <returns>The 1-norm (0 for an empty vector).</returns>
    /// <exception cref="ArgumentNullException">The vector is null.</exception>
    /// <exception cref="ArgumentException">The vector belongs to another engine.</exception>
    /// <exception cref="ObjectDisposedException">The vector or the engine was disposed.</exception>
    public T Norm1<T>(DeviceVector<T> x)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Norm1(x, out _);

    /// <summary>Σ |x[i]|, with what each device did. See <see cref="Norm1{T}(DeviceVector{T})"/>.</summary>
    public T Norm1<T>(DeviceVector<T> x, out OperationReport report)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckReduction(x, nameof(x));
        return T.CreateTruncating(Reduce(ReductionKind.AbsSum, x, null, 1.0, "a 1-norm", out report));
    }

    /// <summary>√(Σ x[i]²), without overflow or underflow in the squares. Blocks until every device is done.</summary>
    /// <remarks>One pass sums the squares as they are. Only when that overflowed, or came out so small that squares may
    /// have underflowed (below the element type's smallest normal number divided by ε, zero included) while the data is
    /// not all zero, two more passes find max |x| and sum the squares of x scaled by a power of two that brings
    /// max |x| to [1, 2) (exact, so the scaling adds no rounding).</remarks>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="x">The vector.</param>
    /// <returns>The Euclidean norm (0 for an empty vector; NaN if an element is NaN).</returns>
    /// <exception cref="ArgumentNullException">The vector is null.</exception>
    /// <exception cref="ArgumentException">The vector belongs to another engine.</exception>
    /// <exception cref="ObjectDisposedException">The vector or the engine was disposed.</exception>
    public T Norm2<T>(DeviceVector<T> x)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Norm2(x, out _);

    /// <summary>√(Σ x[i]²), with what each device did in every pass. See <see cref="Norm2{T}(DeviceVector{T})"/>.</summary>
    public T Norm2<T>(DeviceVector<T> x, out OperationReport report)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckReduction(x, nameof(x));
        return ReductionOperation.Norm2(x, out report);
    }

    /// <summary>max |x[i]|. Blocks until every device is done.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="x">The vector.</param>
    /// <returns>The largest magnitude (0 for an empty vector; NaN if an element is NaN).</returns>
    /// <exception cref="ArgumentNullException">The vector is null.</exception>
    /// <exception cref="ArgumentException">The vector belongs to another engine.</exception>
    /// <exception cref="ObjectDisposedException">The vector or the engine was disposed.</exception>
    public T NormInf<T>(DeviceVector<T> x)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        NormInf(x, out _);

    /// <summary>max |x[i]|, with what each device did. See <see cref="NormInf{T}(DeviceVector{T})"/>.</summary>
    public T NormInf<T>(DeviceVector<T> x, out OperationReport report)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckReduction(x, nameof(x));
        return T.CreateTruncating(Reduce(ReductionKind.MaxAbs, x, null, 1.0, "an infinity norm", out report));
    }

    /// <summary>The smallest element and its index: the first on ties (−0 counts as smaller than +0); if any element is
    /// NaN, the first NaN. Blocks until every device is done.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="x">The vector.</param>
    /// <returns>The minimum and its global index.</returns>
    /// <exception cref="ArgumentNullException">The vector is null.</exception>
    /// <exception cref="ArgumentException">The vector belongs to another engine.</exception>
    /// <exception cref="ObjectDisposedException">The vector or the engine was disposed.</exception>
    /// <exception cref="InvalidOperationException">The vector is empty.</exception>
    public IndexedValue<T> Min<T>(DeviceVector<T> x)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Extreme(x, max: false, out _);

    /// <summary>The smallest element and its index, with what each device did. See <see cref="Min{T}(DeviceVector{T})"/>.</summary>
    public IndexedValue<T> Min<T>(DeviceVector<T> x, out OperationReport report)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Extreme(x, max: false, out report);

    /// <summary>The largest element and its index: the first on ties (+0 counts as larger than −0); if any element is
    /// NaN, the first NaN. Blocks until every device is done.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="x">The vector.</param>
    /// <returns>The maximum and its global index.</returns>
    /// <exception cref="ArgumentNullException">The vector is null.</exception>
    /// <exception cref="ArgumentException">The vector belongs to another engine.</exception>
    /// <exception cref="ObjectDisposedException">The vector or the engine was disposed.</exception>
    /// <exception cref="InvalidOperationException">The vector is empty.</exception>
    public IndexedValue<T> Max<T>(DeviceVector<T> x)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Extreme(x, max: true, out _);

    /// <summary>The largest element and its index, with what each device did. See <see cref="Max{T}(DeviceVector{T})"/>.</summary>
    public IndexedValue<T> Max<T>(DeviceVector<T> x, out OperationReport report)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Extreme(x, max: true, out report);

    private void CheckReduction<T>(DeviceVector<T> x, string name)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ThrowIfDisposed();
        ScalarType.EnsureSupported<T>();
        ElementwiseOperation.CheckVector(this, x, name);
    }

    private static double Reduce<T>(ReductionKind kind, DeviceVector<T> x, DeviceVector<T>? y, double scale, string operation, out OperationReport report)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        ReductionOperation.Reduce(kind, x, y, scale, operation, out report);

    private IndexedValue<T> Extreme<T>(DeviceVector<T> x, bool max, out OperationReport report)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckReduction(x, nameof(x));
        return x.Length == 0
            ? throw new InvalidOperationException($"{(max ? "Max" : "Min")} of an empty vector has no value: x ({x}) has no elements.")
            : ReductionOperation.Extreme(x, max, out report);
    }
}
