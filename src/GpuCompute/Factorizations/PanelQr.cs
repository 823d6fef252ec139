using System.Numerics;
using GpuCompute.Matrices;

namespace GpuCompute.Factorizations;

/// <summary>
/// Householder QR of a tall panel (m × b, m ≥ b) with its block reflector on any <see cref="ITileTarget{T, TTile}"/>,
/// recursive over its columns (Elmroth and Gustavson): the left half is factored, the right half updated by
/// Q₁ᵀ = I − V₁·T₁ᵀ·V₁ᵀ in three GEMMs, the right half's lower part factored, and the two block reflectors joined,
/// T₁₂ = −T₁·(V₁ᵀ·V₂)·T₂. Only panels of at most the target's <see cref="ITileTarget{T, TTile}.BaseOrder"/> columns go to its base case. On return
/// the panel holds R and the vectors' tails (LAPACK's <c>geqrf</c> layout), V is explicit and
/// H₁···H_b = I − V·T·Vᵀ.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
/// <typeparam name="TTile">The target's tile view.</typeparam>
/// <typeparam name="TTarget">The target.</typeparam>
internal static class PanelQr<T, TTile, TTarget>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TTarget : struct, ITileTarget<T, TTile>
{
    /// <summary>The most columns the ILGPU base kernel takes; the CPU's and the ILGPU devices'
    /// <see cref="ITileTarget{T, TTile}.BaseOrder"/> (32) is within it.</summary>
    public const int Base = Kernels.Factorizations.PanelKernels.MaxColumns;

    /// <summary>Factors <paramref name="a"/> (m × b) into <paramref name="v"/> (m × b), <paramref name="t"/> (b × b) and
    /// <paramref name="tau"/> (b). V's and T's elements that no base case writes (V above each half's first row, T
    /// below its diagonal blocks) must be zero on entry: they are read as the zeros of the triangles.</summary>
    public static void Factor(TTarget target, TTile a, TTile v, TTile t, Span<T> tau)
    {
        int m = target.Rows(a), b = target.Cols(a);
        if (b <= target.BaseOrder)
        {
            target.QrColumns(a, v, t, tau);
            return;
        }

        int h = b / 2, r = b - h;
        TTile v1 = target.Slice(v, 0, 0, m, h), t1 = target.Slice(t, 0, 0, h, h), a2 = target.Slice(a, 0, h, m, r);
        Factor(target, target.Slice(a, 0, 0, m, h), v1, t1, tau[..h]);
        TTile w = target.Scratch(h, r), tw = target.Scratch(h, r);
        try
        {
            target.Gemm(T.One, v1, Transpose.Transposed, a2, Transpose.None, T.Zero, w); // A₂ ← A₂ − V₁·(T₁ᵀ·(V₁ᵀ·A₂))
            target.Gemm(T.One, t1, Transpose.Transposed, w, Transpose.None, T.Zero, tw);
            target.Gemm(-T.One, v1, Transpose.None, tw, Transpose.None, T.One, a2);
            Factor(target, target.Slice(a, h, h, m - h, r), target.Slice(v, h, h, m - h, r), target.Slice(t, h, h, r, r), tau[h..]);

            // V₂ is zero above row h, so V₁ᵀ·V₂ needs V₁'s rows from h only.
            target.Gemm(T.One, target.Slice(v, h, 0, m - h, h), Transpose.Transposed, target.Slice(v, h, h, m - h, r), Transpose.None, T.Zero, w);
            target.Gemm(T.One, t1, Transpose.None, w, Transpose.None, T.Zero, tw);
            target.Gemm(-T.One, tw, Transpose.None, target.Slice(t, h, h, r, r), Transpose.None, T.Zero, target.Slice(t, 0, h, h, r));
        }
        finally
        {
            target.Release(tw);
            target.Release(w);
        }
    }
}
