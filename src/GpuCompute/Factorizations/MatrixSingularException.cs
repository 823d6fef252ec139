namespace GpuCompute.Factorizations;

/// <summary>An LU factorization met an exactly zero pivot: the matrix is singular. <see cref="Column"/> is where, as
/// LAPACK's <c>info</c> − 1.</summary>
/// <remarks>An <see cref="ArgumentException"/>: it is a property of the input, not a device's failure. The matrix is
/// then partly overwritten.</remarks>
public sealed class MatrixSingularException : ArgumentException
{
    /// <summary>Creates the exception for the zero pivot in <paramref name="column"/> of an order-<paramref name="order"/> matrix.</summary>
    public MatrixSingularException(int column, int order, string? paramName = null)
        : base($"The {order} x {order} matrix is singular: U[{column}, {column}] is exactly 0 after partial pivoting (zero pivot in column {column}, LAPACK info = {column + 1}).", paramName)
    {
        Column = column;
    }

    /// <summary>The column (from 0) whose pivot was zero.</summary>
    public int Column { get; }
}
