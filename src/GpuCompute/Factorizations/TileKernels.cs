using System.Numerics;
using GpuCompute.Backends;
using GpuCompute.Matrices;

namespace GpuCompute.Factorizations;

/// <summary>
/// The tile kernels of the factorizations (POTRF, TRSM, SYRK, see <see cref="TileRecursion{T, TTile, TTarget}"/>; the LU
/// and QR panels, see <see cref="PanelLu{T, TTile, TTarget}"/> and <see cref="PanelQr{T, TTile, TTarget}"/>)
/// on host matrix views, computed by the device running the task (the CPU device, within its lane), and on tiles in a
/// device's own buffers (<see cref="DeviceTile{T}"/>, for devices that <see cref="ComputeDevice.RunsTileKernels"/>).
/// </summary>
internal static class TileKernels
{
    /// <summary>Whether a factorization's task other than a GEMM may run on <paramref name="device"/>: it computes in
    /// host memory, or it has the device tile kernels.</summary>
    public static bool CanRun(ComputeDevice device) => device.ComputesInHostMemory || device.RunsTileKernels;

    /// <summary>A ← L, A = L·Lᵀ, in the lower triangle of a square view (the strict upper triangle is not touched).
    /// Returns -1, or the first column (from 0) whose pivot is not positive (or not a number): LAPACK's info − 1.</summary>
    public static int Potrf<T>(ComputeDevice device, HostMatrix<T> a, CancellationToken cancellation)
        where T : unmanaged, IFloatingPointIeee754<T> => TileRecursion<T, HostMatrix<T>, HostTiles<T>>.Potrf(new(device, cancellation), a);

    /// <summary>As <see cref="Potrf{T}(ComputeDevice, HostMatrix{T}, CancellationToken)"/> on a tile of the device's memory.</summary>
    public static int Potrf<T>(ComputeDevice device, DeviceTile<T> a, CancellationToken cancellation, Tasks.DeviceScratch<T>? scratch = null)
        where T : unmanaged, IFloatingPointIeee754<T> => TileRecursion<T, DeviceTile<T>, DeviceTiles<T>>.Potrf(new(device, cancellation, scratch), a);

    /// <summary>B ← B·L⁻ᵀ (solves X·Lᵀ = B) for lower-triangular L (n × n) and B (m × n).</summary>
    public static void TrsmRightLowerTransposed<T>(ComputeDevice device, HostMatrix<T> l, HostMatrix<T> b, CancellationToken cancellation)
        where T : unmanaged, IFloatingPointIeee754<T> => TileRecursion<T, HostMatrix<T>, HostTiles<T>>.TrsmRightLowerTransposed(new(device, cancellation), l, b);

    /// <summary>As <see cref="TrsmRightLowerTransposed{T}(ComputeDevice, HostMatrix{T}, HostMatrix{T}, CancellationToken)"/>
    /// on tiles of the device's memory.</summary>
    public static void TrsmRightLowerTransposed<T>(ComputeDevice device, DeviceTile<T> l, DeviceTile<T> b, CancellationToken cancellation, Tasks.DeviceScratch<T>? scratch = null)
        where T : unmanaged, IFloatingPointIeee754<T> => TileRecursion<T, DeviceTile<T>, DeviceTiles<T>>.TrsmRightLowerTransposed(new(device, cancellation, scratch), l, b);

    /// <summary>B ← M⁻¹·B (solves M·X = B) for the triangle <paramref name="shape"/> of M (n × n) and B (n × r).</summary>
    public static void TrsmLeft<T>(ComputeDevice device, HostMatrix<T> m, HostMatrix<T> b, TriangularBlock.Shape shape, CancellationToken cancellation)
        where T : unmanaged, IFloatingPointIeee754<T> => TileRecursion<T, HostMatrix<T>, HostTiles<T>>.TrsmLeft(new(device, cancellation), m, b, shape);

    /// <summary>As <see cref="TrsmLeft{T}(ComputeDevice, HostMatrix{T}, HostMatrix{T}, TriangularBlock.Shape, CancellationToken)"/>
    /// on tiles of the device's memory.</summary>
    public static void TrsmLeft<T>(ComputeDevice device, DeviceTile<T> m, DeviceTile<T> b, TriangularBlock.Shape shape, CancellationToken cancellation)
        where T : unmanaged, IFloatingPointIeee754<T> => TileRecursion<T, DeviceTile<T>, DeviceTiles<T>>.TrsmLeft(new(device, cancellation), m, b, shape);

    /// <summary>B ← L⁻¹·B (solves L·X = B) for lower-triangular L (n × n) and B (n × r).</summary>
    public static void TrsmLeftLower<T>(ComputeDevice device, HostMatrix<T> l, HostMatrix<T> b, CancellationToken cancellation)
        where T : unmanaged, IFloatingPointIeee754<T> => TrsmLeft(device, l, b, TriangularBlock.Shape.Lower, cancellation);

    /// <summary>B ← L⁻¹·B for unit lower-triangular L (n × n, its diagonal taken as 1 and not read) and B (n × r).</summary>
    public static void TrsmLeftUnitLower<T>(ComputeDevice device, HostMatrix<T> l, HostMatrix<T> b, CancellationToken cancellation)
        where T : unmanaged, IFloatingPointIeee754<T> => TrsmLeft(device, l, b, TriangularBlock.Shape.UnitLower, cancellation);

    /// <summary>B ← U⁻¹·B for upper-triangular U (n × n) and B (n × r).</summary>
    public static void TrsmLeftUpper<T>(ComputeDevice device, HostMatrix<T> u, HostMatrix<T> b, CancellationToken cancellation)
        where T : unmanaged, IFloatingPointIeee754<T> => TrsmLeft(device, u, b, TriangularBlock.Shape.Upper, cancellation);

    /// <summary>B ← L⁻ᵀ·B (solves Lᵀ·X = B) for lower-triangular L (n × n) and B (n × r).</summary>
    public static void TrsmLeftLowerTransposed<T>(ComputeDevice device, HostMatrix<T> l, HostMatrix<T> b, CancellationToken cancellation)
        where T : unmanaged, IFloatingPointIeee754<T> => TrsmLeft(device, l, b, TriangularBlock.Shape.LowerTransposed, cancellation);

    /// <summary>C ← C − A·Aᵀ in the lower triangle of C (m × m) for A (m × k); the strict upper triangle is not touched.</summary>
    public static void SyrkLower<T>(ComputeDevice device, HostMatrix<T> a, HostMatrix<T> c, CancellationToken cancellation)
        where T : unmanaged, IFloatingPointIeee754<T> => TileRecursion<T, HostMatrix<T>, HostTiles<T>>.SyrkLower(new(device, cancellation), a, c);

    /// <summary>As <see cref="SyrkLower{T}(ComputeDevice, HostMatrix{T}, HostMatrix{T}, CancellationToken)"/> on tiles of
    /// the device's memory.</summary>
    public static void SyrkLower<T>(ComputeDevice device, DeviceTile<T> a, DeviceTile<T> c, CancellationToken cancellation)
        where T : unmanaged, IFloatingPointIeee754<T> => TileRecursion<T, DeviceTile<T>, DeviceTiles<T>>.SyrkLower(new(device, cancellation), a, c);

    /// <summary>LU with partial pivoting of a tall panel in host memory (see <see cref="PanelLu{T, TTile, TTarget}"/>):
    /// −1, or the first column whose pivot is exactly zero.</summary>
    public static int LuPanel<T>(ComputeDevice device, HostMatrix<T> a, Span<int> pivots, CancellationToken cancellation)
        where T : unmanaged, IFloatingPointIeee754<T> => PanelLu<T, HostMatrix<T>, HostTiles<T>>.Factor(new(device, cancellation), a, pivots);

    /// <summary>As <see cref="LuPanel{T}(ComputeDevice, HostMatrix{T}, Span{int}, CancellationToken)"/> on a panel in the
    /// device's memory.</summary>
    public static int LuPanel<T>(ComputeDevice device, DeviceTile<T> a, Span<int> pivots, CancellationToken cancellation, Tasks.DeviceScratch<T>? scratch = null)
        where T : unmanaged, IFloatingPointIeee754<T> => PanelLu<T, DeviceTile<T>, DeviceTiles<T>>.Factor(new(device, cancellation, scratch), a, pivots);

    /// <summary>Householder QR of a tall panel in host memory with its block reflector (see
    /// <see cref="PanelQr{T, TTile, TTarget}"/>; V and T zero on entry).</summary>
    public static void QrPanel<T>(ComputeDevice device, HostMatrix<T> a, HostMatrix<T> v, HostMatrix<T> t, Span<T> tau, CancellationToken cancellation)
        where T : unmanaged, IFloatingPointIeee754<T> => PanelQr<T, HostMatrix<T>, HostTiles<T>>.Factor(new(device, cancellation), a, v, t, tau);

    /// <summary>As <see cref="QrPanel{T}(ComputeDevice, HostMatrix{T}, HostMatrix{T}, HostMatrix{T}, Span{T}, CancellationToken)"/>
    /// on a panel in the device's memory.</summary>
    public static void QrPanel<T>(ComputeDevice device, DeviceTile<T> a, DeviceTile<T> v, DeviceTile<T> t, Span<T> tau, CancellationToken cancellation, Tasks.DeviceScratch<T>? scratch = null)
        where T : unmanaged, IFloatingPointIeee754<T> => PanelQr<T, DeviceTile<T>, DeviceTiles<T>>.Factor(new(device, cancellation, scratch), a, v, t, tau);

    /// <summary>C ← α·op(A)·op(B) + β·C as one tile on <paramref name="device"/>, within the lane running the task.</summary>
    public static void Gemm<T>(
        ComputeDevice device, T alpha, HostMatrix<T> a, Transpose opA, HostMatrix<T> b, Transpose opB, T beta, HostMatrix<T> c, CancellationToken cancellation)
        where T : unmanaged, IFloatingPointIeee754<T> => new HostTiles<T>(device, cancellation).Gemm(alpha, a, opA, b, opB, beta, c);
}
