using System.Numerics;
using GpuCompute.Matrices;

namespace GpuCompute.Factorizations;

/// <summary>
/// Where the recursive tile kernels (<see cref="TileRecursion{T, TTile, TTarget}"/>) run: views of tiles of type
/// <typeparamref name="TTile"/> (host matrices, or tiles of a device's buffers), a GEMM on them, and the small base
/// cases up to <see cref="BaseOrder"/>.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
/// <typeparam name="TTile">A row-major view of a tile.</typeparam>
internal interface ITileTarget<T, TTile>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The order (or panel width) up to which a block goes to the base cases whole (see
    /// <see cref="Backends.ComputeDevice.TileBaseOrder"/>).</summary>
    int BaseOrder { get; }

    /// <summary>The view's rows.</summary>
    int Rows(TTile tile);

    /// <summary>The view's columns.</summary>
    int Cols(TTile tile);

    /// <summary>A sub-view.</summary>
    TTile Slice(TTile tile, int row, int col, int rows, int cols);

    /// <summary>C ← α·op(A)·op(B) + β·C.</summary>
    void Gemm(T alpha, TTile a, Transpose opA, TTile b, Transpose opB, T beta, TTile c);

    /// <summary>B ← M⁻¹·B for a triangle of order at most <see cref="BaseOrder"/>; B's columns are the right-hand
    /// sides.</summary>
    void Solve(TTile triangle, TTile b, TriangularBlock.Shape shape);

    /// <summary>C ← C − A·Aᵀ on the lower triangle of a small block C.</summary>
    void SyrkLower(TTile a, TTile c);

    /// <summary>The Cholesky factor of a small block in place: −1, or the first column whose pivot is not positive.</summary>
    int Potrf(TTile a);

    /// <summary>A scratch tile holding <paramref name="tile"/>ᵀ.</summary>
    TTile Transposed(TTile tile);

    /// <summary><paramref name="tile"/> ← <paramref name="transposed"/>ᵀ when <paramref name="writeBack"/>, then the
    /// scratch tile is released (always: also after a failed or cancelled solve).</summary>
    void Restore(TTile transposed, TTile tile, bool writeBack);

    /// <summary>LU with partial pivoting of a panel of at most <see cref="PanelLu{T, TTile, TTarget}.Base"/> columns in
    /// place: <paramref name="pivots"/>[j] receives the row (of the panel) interchanged with row j. Returns −1, or the
    /// first column whose pivot is exactly zero.</summary>
    int LuColumns(TTile a, Span<int> pivots);

    /// <summary>Row <paramref name="first"/> + j ↔ row pivots[j] − <paramref name="origin"/> of <paramref name="a"/>,
    /// j in order (LAPACK's <c>laswp</c>).</summary>
    void SwapRows(TTile a, ReadOnlySpan<int> pivots, int first, int origin);

    /// <summary>Householder QR of a panel of at most <see cref="PanelQr{T, TTile, TTarget}.Base"/> columns with its
    /// block reflector: R and the vectors' tails in <paramref name="a"/>, V explicit in <paramref name="v"/>, T in
    /// <paramref name="t"/> (zeros below its diagonal), the scalars in <paramref name="tau"/>.</summary>
    void QrColumns(TTile a, TTile v, TTile t, Span<T> tau);

    /// <summary>A scratch tile of <paramref name="rows"/> × <paramref name="cols"/>, contents undefined.</summary>
    TTile Scratch(int rows, int cols);

    /// <summary>Releases a tile from <see cref="Scratch"/>.</summary>
    void Release(TTile scratch);
}
