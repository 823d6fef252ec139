namespace GpuCompute.Client;

/// <summary>A computation for the service: an operation, its precision, its operands by role, and its scalars.</summary>
/// <remarks>
/// Operations: <c>gemm</c> (C ← α·op(A)·op(B) + β·C; operands <c>a</c>, <c>b</c>, and <c>c</c> when β ≠ 0),
/// <c>gemv</c> (y ← α·A·x + β·y; <c>a</c>, <c>x</c>, and <c>y</c> when β ≠ 0), <c>batched-gemm</c> (C_i ← α·A_i·B_i + β·C_i;
/// <c>a</c>, <c>b</c> of shape [count, rows, cols], <c>c</c> when β ≠ 0), <c>transpose</c> (<c>a</c>), the element-wise
/// <c>add</c>, <c>subtract</c>, <c>multiply</c> (<c>x</c>, <c>y</c>), <c>axpy</c> (y ← α·x + y), <c>scale</c> (α·x),
/// <c>relu</c>, <c>exp</c> (<c>x</c>), and the reductions <c>sum</c>, <c>asum</c>, <c>nrm2</c>, <c>amax</c>, <c>dot</c>
/// (<c>x</c>, <c>y</c>), <c>imax</c>, <c>imin</c> (value and index), <c>cholesky</c> (L with A = L·Lᵀ for a symmetric
/// positive definite <c>a</c>, zeros above the diagonal), <c>cholesky-solve</c> (X with A·X = B; <c>a</c>, <c>b</c>), and by
/// LU with partial pivoting <c>solve</c> (X with A·X = B; <c>a</c>, <c>b</c>), <c>inverse</c> and <c>determinant</c> (<c>a</c>),
/// and by Householder QR <c>least-squares</c> (X minimizing ‖A·X − B‖; <c>a</c> m × n with m ≥ n, <c>b</c>).
/// Matrices are row-major.
/// </remarks>
public sealed record JobRequest
{
    /// <summary>The operation's name, e.g. <c>gemm</c>.</summary>
    public required string Operation { get; init; }

    /// <summary><c>f32</c> (default) or <c>f64</c>: the element type of every operand and of the result.</summary>
    public string Precision { get; init; } = "f32";

    /// <summary>The operands by role (<c>a</c>, <c>b</c>, <c>c</c>, <c>x</c>, <c>y</c>).</summary>
    public required IReadOnlyDictionary<string, OperandRef> Operands { get; init; }

    /// <summary>GEMM only: <c>N</c> (default) or <c>T</c>, whether A is transposed.</summary>
    public string? TransA { get; init; }

    /// <summary>GEMM only: <c>N</c> (default) or <c>T</c>, whether B is transposed.</summary>
    public string? TransB { get; init; }

    /// <summary>α (default 1).</summary>
    public double? Alpha { get; init; }

    /// <summary>β (default 0; with β = 0 the output operand is not read).</summary>
    public double? Beta { get; init; }
}
