namespace GpuCompute.Matrices;

/// <summary>The operation applied to a GEMM operand before the product: op(X) = X or Xᵀ.</summary>
public enum Transpose
{
    /// <summary>op(X) = X.</summary>
    None = 0,

    /// <summary>op(X) = Xᵀ.</summary>
    Transposed = 1,
}
