namespace GpuCompute.Cluster.Contracts;

/// <summary>
/// One tile kernel a node runs on an app's buffers there (see <see cref="NodeKernel"/>): the buffers by id, the
/// kernel's integer arguments (offsets, leading dimensions, sizes, flags, pivots) and its scalars, in the order the
/// kind defines.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record NodeKernelCall(
    [property: Id(0)] NodeKernel Kind,
    [property: Id(1)] string Precision,
    [property: Id(2)] long[] Buffers,
    [property: Id(3)] long[] Integers,
    [property: Id(4)] double[] Scalars);

/// <summary>What a <see cref="NodeKernelCall"/> gives back: the result code (−1, or the failing column), LU's pivots,
/// QR's scalars.</summary>
[GenerateSerializer, Immutable]
public sealed record NodeKernelAnswer(
    [property: Id(0)] int Info,
    [property: Id(1)] int[] Pivots,
    [property: Id(2)] double[] Values);

/// <summary>The tile kernels a node runs for an app's task graph; each runs whole on the node (its own recursion over
/// its CPU device), so a tile task costs one call.</summary>
[GenerateSerializer]
public enum NodeKernel
{
    /// <summary>C ← α·op(A)·op(B) + β·C. Buffers a, b, c; integers: offsets, leading dimensions, ops (0 none, 1
    /// transposed) of a, b, c, then m, n, k; scalars α, β.</summary>
    Gemm,

    /// <summary>B ← M⁻¹·B for a triangle. Buffers m, b; integers: order, right-hand sides, M's offset, row and column
    /// strides, B's offset, vector and element strides, backward, unit diagonal.</summary>
    Solve,

    /// <summary>C ← C − A·Aᵀ on C's lower triangle. Buffers a, c; integers: order, depth, offsets and leading
    /// dimensions of a and c.</summary>
    SyrkLower,

    /// <summary>Cholesky factor in place. Buffer a; integers: order, offset, leading dimension.</summary>
    Potrf,

    /// <summary>LU with partial pivoting of a panel. Buffer a; integers: rows, columns, offset, leading dimension.</summary>
    LuPanel,

    /// <summary>Row interchanges. Buffer a; integers: columns, count, first, origin, offset, leading dimension, then
    /// the pivots.</summary>
    SwapRows,

    /// <summary>Householder QR of a panel with its block reflector. Buffers a, v, t; integers: rows, columns, then
    /// offset and leading dimension of each.</summary>
    QrPanel,

    /// <summary>A transpose into another buffer. Buffers source, destination; integers: rows, columns, source offset
    /// and stride, destination offset and stride.</summary>
    Transpose,

    /// <summary>Every element set to a value. Buffer x; scalar: the value.</summary>
    Fill,
}
