using System.Numerics;
using GpuCompute.Matrices;

namespace GpuCompute.Factorizations;

/// <summary>
/// LU with partial pivoting of a tall panel (m × b, m ≥ b) on any <see cref="ITileTarget{T, TTile}"/>, recursive over
/// its columns (Toledo): the left half is factored, its row interchanges applied to the right half,
/// U₁₂ = L₁₁⁻¹·A₁₂, A₂₂ ← A₂₂ − L₂₁·U₁₂ (a GEMM), the right half factored, and its interchanges applied back to the
/// left half. Only panels of at most the target's <see cref="ITileTarget{T, TTile}.BaseOrder"/> columns go to its base case.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
/// <typeparam name="TTile">The target's tile view.</typeparam>
/// <typeparam name="TTarget">The target.</typeparam>
internal static class PanelLu<T, TTile, TTarget>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TTarget : struct, ITileTarget<T, TTile>
{
    /// <summary>The most columns the ILGPU base kernel takes; the CPU's and the ILGPU devices'
    /// <see cref="ITileTarget{T, TTile}.BaseOrder"/> (32) is within it.</summary>
    public const int Base = Kernels.Factorizations.PanelKernels.MaxColumns;

    /// <summary>Factors <paramref name="a"/> in place (L unit lower below the diagonal, U on and above it);
    /// <paramref name="pivots"/>[j] receives the row (of the panel, from 0) interchanged with row j. Returns −1, or the
    /// first column whose pivot is exactly zero.</summary>
    public static int Factor(TTarget target, TTile a, Span<int> pivots)
    {
        int m = target.Rows(a), b = target.Cols(a);
        if (b <= target.BaseOrder)
        {
            return target.LuColumns(a, pivots);
        }

        int h = b / 2;
        TTile left = target.Slice(a, 0, 0, m, h), right = target.Slice(a, 0, h, m, b - h);
        int info = Factor(target, left, pivots[..h]);
        if (info >= 0)
        {
            return info;
        }

        target.SwapRows(right, pivots[..h], 0, 0);
        TileRecursion<T, TTile, TTarget>.TrsmLeft(target, target.Slice(a, 0, 0, h, h), target.Slice(right, 0, 0, h, b - h), TriangularBlock.Shape.UnitLower);
        target.Gemm(-T.One, target.Slice(a, h, 0, m - h, h), Transpose.None, target.Slice(right, 0, 0, h, b - h), Transpose.None, T.One, target.Slice(right, h, 0, m - h, b - h));
        info = Factor(target, target.Slice(a, h, h, m - h, b - h), pivots[h..]);
        for (int j = h; j < b; j++)
        {
            pivots[j] += h; // the lower half's pivots, as rows of the whole panel
        }

        target.SwapRows(left, pivots[h..], h, 0);
        return info < 0 ? -1 : h + info;
    }
}
