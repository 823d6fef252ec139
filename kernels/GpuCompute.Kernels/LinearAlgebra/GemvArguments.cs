using System.Runtime.InteropServices;

namespace GpuCompute.Kernels.LinearAlgebra;

/// <summary>The scalar arguments of one <see cref="GemvKernel"/> launch: y ← α·A·x + β·y over rows
/// [<see cref="FirstRow"/>, FirstRow + groups) of a row-major A with <see cref="Columns"/> columns.</summary>
/// <typeparam name="T">The element type.</typeparam>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct GemvArguments<T>
    where T : unmanaged
{
    /// <summary>Creates the arguments of one launch.</summary>
    /// <param name="firstRow">The row (within the views) that group 0 computes.</param>
    /// <param name="columns">Columns of A and elements of x.</param>
    /// <param name="alpha">α.</param>
    /// <param name="beta">β; zero means y is only written, never read.</param>
    public GemvArguments(long firstRow, long columns, T alpha, T beta)
    {
        FirstRow = firstRow;
        Columns = columns;
        Alpha = alpha;
        Beta = beta;
    }

    /// <summary>The row that group 0 computes.</summary>
    public long FirstRow { get; }

    /// <summary>Columns of A (the row stride) and elements of x.</summary>
    public long Columns { get; }

    /// <summary>α.</summary>
    public T Alpha { get; }

    /// <summary>β.</summary>
    public T Beta { get; }
}
