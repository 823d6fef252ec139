namespace GpuCompute.Factorizations;

/// <summary>A Cholesky factorization met a pivot that is not positive: the matrix is not (numerically) positive
/// definite. <see cref="Column"/> is where, as LAPACK's <c>info</c> − 1.</summary>
/// <remarks>An <see cref="ArgumentException"/>: it is a property of the input, not a device's failure. The matrix is
/// then partly overwritten (columns before <see cref="Column"/> hold L's columns).</remarks>
public sealed class MatrixNotPositiveDefiniteException : ArgumentException
{
    /// <summary>Creates the exception for the failing column of an order-<paramref name="order"/> matrix.</summary>
    public MatrixNotPositiveDefiniteException(int column, int order, string? paramName = null)
        : base($"The {order} x {order} matrix is not positive definite: the leading minor of order {column + 1} is not positive (pivot of column {column}, LAPACK info = {column + 1}).", paramName)
    {
        Column = column;
    }

    /// <summary>The column (from 0) whose pivot was not positive.</summary>
    public int Column { get; }
}
