using System.Numerics;
using GpuCompute.Matrices;

namespace GpuCompute.Factorizations;

/// <summary>
/// The triangular tile kernels, recursive on any <see cref="ITileTarget{T, TTile}"/>: Cholesky of a tile (POTRF),
/// triangular solves (TRSM) and the symmetric rank-k update (SYRK). Each halves its triangle, so the off-diagonal
/// work is a GEMM on the target, and only blocks of at most <see cref="Base"/> go to the target's base cases. They read
/// and write only the lower triangle of the triangular operands, as LAPACK does.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
/// <typeparam name="TTile">The target's tile view.</typeparam>
/// <typeparam name="TTarget">The target (a struct, so its calls inline).</typeparam>
internal static class TileRecursion<T, TTile, TTarget>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TTarget : struct, ITileTarget<T, TTile>
{
    /// <summary>The base cases' order on the CPU and on ILGPU devices (see <see cref="ITileTarget{T, TTile}.BaseOrder"/>):
    /// below it the GEMMs around a block would be too small. Splits stay aligned to it.</summary>
    public const int Base = 32;

    /// <summary>A ← L, A = L·Lᵀ, in the lower triangle of a square view. Returns −1, or the first column (from 0)
    /// whose pivot is not positive (or not a number): LAPACK's info − 1.</summary>
    public static int Potrf(TTarget target, TTile a)
    {
        int n = target.Rows(a);
        if (n <= target.BaseOrder)
        {
            return target.Potrf(a);
        }

        int h = Split(n);
        int info = Potrf(target, target.Slice(a, 0, 0, h, h));
        if (info >= 0)
        {
            return info;
        }

        TrsmRightLowerTransposed(target, target.Slice(a, 0, 0, h, h), target.Slice(a, h, 0, n - h, h));
        SyrkLower(target, target.Slice(a, h, 0, n - h, h), target.Slice(a, h, h, n - h, n - h));
        info = Potrf(target, target.Slice(a, h, h, n - h, n - h));
        return info < 0 ? -1 : h + info;
    }

    /// <summary>B ← B·L⁻ᵀ (solves X·Lᵀ = B) for lower-triangular L (n × n) and B (m × n).</summary>
    /// <remarks>X·Lᵀ = B is L·Xᵀ = Bᵀ: it is solved on one transpose of B, whose columns are B's independent rows, so
    /// the base cases vectorize along them and the GEMMs of the recursion are (n − h) × h × m, wide in m.</remarks>
    public static void TrsmRightLowerTransposed(TTarget target, TTile l, TTile b)
    {
        if (target.Rows(l) == 0 || target.Rows(b) == 0)
        {
            return;
        }

        TTile transposed = target.Transposed(b);
        bool solved = false;
        try
        {
            TrsmLeft(target, l, transposed, TriangularBlock.Shape.Lower);
            solved = true;
        }
        finally
        {
            target.Restore(transposed, b, solved); // the scratch goes back even when the solve failed or was cancelled
        }
    }

    /// <summary>B ← M⁻¹·B for the triangle <paramref name="shape"/> of M (n × n) and B (n × r).</summary>
    public static void TrsmLeft(TTarget target, TTile m, TTile b, TriangularBlock.Shape shape)
    {
        int n = target.Rows(m);
        if (n <= target.BaseOrder)
        {
            target.Solve(m, b, shape);
            return;
        }

        int h = Split(n), r = target.Cols(b);
        TTile b1 = target.Slice(b, 0, 0, h, r), b2 = target.Slice(b, h, 0, n - h, r);
        TTile m11 = target.Slice(m, 0, 0, h, h), m22 = target.Slice(m, h, h, n - h, n - h);
        switch (shape)
        {
            case TriangularBlock.Shape.Lower or TriangularBlock.Shape.UnitLower:
                // [L11 0; L21 L22]: X1 = L11⁻¹·B1, then B2 − L21·X1 solved with L22.
                TrsmLeft(target, m11, b1, shape);
                target.Gemm(-T.One, target.Slice(m, h, 0, n - h, h), Transpose.None, b1, Transpose.None, T.One, b2);
                TrsmLeft(target, m22, b2, shape);
                break;
            case TriangularBlock.Shape.Upper:
                // [U11 U12; 0 U22]: X2 first, then B1 − U12·X2 solved with U11.
                TrsmLeft(target, m22, b2, shape);
                target.Gemm(-T.One, target.Slice(m, 0, h, h, n - h), Transpose.None, b2, Transpose.None, T.One, b1);
                TrsmLeft(target, m11, b1, shape);
                break;
            default:
                // Lᵀ = [L11ᵀ L21ᵀ; 0 L22ᵀ]: X2 first, then B1 − L21ᵀ·X2 solved with L11ᵀ.
                TrsmLeft(target, m22, b2, shape);
                target.Gemm(-T.One, target.Slice(m, h, 0, n - h, h), Transpose.Transposed, b2, Transpose.None, T.One, b1);
                TrsmLeft(target, m11, b1, shape);
                break;
        }
    }

    /// <summary>C ← C − A·Aᵀ in the lower triangle of C (m × m) for A (m × k); the strict upper triangle is not touched.</summary>
    public static void SyrkLower(TTarget target, TTile a, TTile c)
    {
        int m = target.Rows(c);
        if (m <= target.BaseOrder)
        {
            target.SyrkLower(a, c);
            return;
        }

        int h = Split(m), k = target.Cols(a);
        TTile a1 = target.Slice(a, 0, 0, h, k), a2 = target.Slice(a, h, 0, m - h, k);
        SyrkLower(target, a1, target.Slice(c, 0, 0, h, h));
        target.Gemm(-T.One, a2, Transpose.None, a1, Transpose.Transposed, T.One, target.Slice(c, h, 0, m - h, h));
        SyrkLower(target, a2, target.Slice(c, h, h, m - h, m - h));
    }

    /// <summary>Where a triangle of order n is halved: a multiple of <see cref="Base"/>, so the GEMMs stay aligned to it.</summary>
    private static int Split(int n) => Math.Max(Base, n / 2 / Base * Base);
}
