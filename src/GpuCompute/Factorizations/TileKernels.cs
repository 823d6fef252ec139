using System.Numerics;
using System.Numerics.Tensors;
using GpuCompute.Backends;
using GpuCompute.Backends.Cpu;
using GpuCompute.Gemm;
using GpuCompute.Matrices;

namespace GpuCompute.Factorizations;

/// <summary>
/// The triangular tile kernels of the factorizations, on host matrix views: Cholesky of a tile (POTRF), triangular
/// solves (TRSM) and the symmetric rank-k update (SYRK), each recursive: the halves' off-diagonal work is a GEMM on
/// the device running the task (the packed SIMD GEMM on the CPU device), and only blocks of at most
/// <see cref="Base"/> are solved element by element (<see cref="TriangularBlock"/> for the solves, SIMD dot products
/// in POTRF). They read and write only the lower triangle of the triangular operands, as LAPACK does.
/// </summary>
internal static class TileKernels
{
    /// <summary>Below this order a triangle is solved element by element: the GEMMs around it would be too small.</summary>
    public const int Base = 32;

    /// <summary>A ← L, A = L·Lᵀ, in the lower triangle of a square view (the strict upper triangle is not touched).
    /// Returns -1, or the first column (from 0) whose pivot is not positive (or not a number): LAPACK's info − 1.</summary>
    public static int Potrf<T>(ComputeDevice device, HostMatrix<T> a, CancellationToken cancellation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = a.Rows;
        if (n <= Base)
        {
            return PotrfElementwise(a);
        }

        int h = Split(n);
        int info = Potrf(device, a.Slice(0, 0, h, h), cancellation);
        if (info >= 0)
        {
            return info;
        }

        TrsmRightLowerTransposed(device, a.Slice(0, 0, h, h), a.Slice(h, 0, n - h, h), cancellation);
        SyrkLower(device, a.Slice(h, 0, n - h, h), a.Slice(h, h, n - h, n - h), cancellation);
        info = Potrf(device, a.Slice(h, h, n - h, n - h), cancellation);
        return info < 0 ? -1 : h + info;
    }

    /// <summary>B ← B·L⁻ᵀ (solves X·Lᵀ = B) for lower-triangular L (n × n) and B (m × n).</summary>
    /// <remarks>X·Lᵀ = B is L·Xᵀ = Bᵀ: it is solved on one transpose of B, whose columns are B's independent rows, so
    /// the substitutions vectorize along them and the GEMMs of the recursion are (n − h) × h × m, wide in m.</remarks>
    public static void TrsmRightLowerTransposed<T>(ComputeDevice device, HostMatrix<T> l, HostMatrix<T> b, CancellationToken cancellation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = l.Rows, m = b.Rows;
        if (n == 0 || m == 0)
        {
            return;
        }

        T[] transposed = System.Buffers.ArrayPool<T>.Shared.Rent(n * m);
        try
        {
            var bt = new HostMatrix<T>(transposed, n, m, m);
            CpuTranspose.Run(b.Data, b.Offset, b.LeadingDimension, transposed, 0, m, m, n, threads: 1);
            TrsmLeftLower(device, l, bt, cancellation);
            CpuTranspose.Run(transposed, 0, m, b.Data, b.Offset, b.LeadingDimension, n, m, threads: 1);
        }
        finally
        {
            System.Buffers.ArrayPool<T>.Shared.Return(transposed);
        }
    }

    /// <summary>B ← L⁻¹·B (solves L·X = B) for lower-triangular L (n × n) and B (n × r).</summary>
    public static void TrsmLeftLower<T>(ComputeDevice device, HostMatrix<T> l, HostMatrix<T> b, CancellationToken cancellation)
        where T : unmanaged, IFloatingPointIeee754<T> => TrsmLeftLower(device, l, b, unitDiagonal: false, cancellation);

    /// <summary>B ← L⁻¹·B for unit lower-triangular L (n × n, its diagonal taken as 1 and not read) and B (n × r).</summary>
    public static void TrsmLeftUnitLower<T>(ComputeDevice device, HostMatrix<T> l, HostMatrix<T> b, CancellationToken cancellation)
        where T : unmanaged, IFloatingPointIeee754<T> => TrsmLeftLower(device, l, b, unitDiagonal: true, cancellation);

    private static void TrsmLeftLower<T>(ComputeDevice device, HostMatrix<T> l, HostMatrix<T> b, bool unitDiagonal, CancellationToken cancellation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = l.Rows;
        if (n <= Base)
        {
            TriangularBlock.Solve(l, b, unitDiagonal ? TriangularBlock.Shape.UnitLower : TriangularBlock.Shape.Lower);
            return;
        }

        int h = Split(n);
        var b1 = b.Slice(0, 0, h, b.Cols);
        var b2 = b.Slice(h, 0, n - h, b.Cols);
        TrsmLeftLower(device, l.Slice(0, 0, h, h), b1, unitDiagonal, cancellation);
        Gemm(device, -T.One, l.Slice(h, 0, n - h, h), Transpose.None, b1, Transpose.None, T.One, b2, cancellation);
        TrsmLeftLower(device, l.Slice(h, h, n - h, n - h), b2, unitDiagonal, cancellation);
    }

    /// <summary>B ← U⁻¹·B for upper-triangular U (n × n) and B (n × r).</summary>
    public static void TrsmLeftUpper<T>(ComputeDevice device, HostMatrix<T> u, HostMatrix<T> b, CancellationToken cancellation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = u.Rows;
        if (n <= Base)
        {
            TriangularBlock.Solve(u, b, TriangularBlock.Shape.Upper);
            return;
        }

        int h = Split(n);
        var b1 = b.Slice(0, 0, h, b.Cols);
        var b2 = b.Slice(h, 0, n - h, b.Cols);
        TrsmLeftUpper(device, u.Slice(h, h, n - h, n - h), b2, cancellation);
        Gemm(device, -T.One, u.Slice(0, h, h, n - h), Transpose.None, b2, Transpose.None, T.One, b1, cancellation);
        TrsmLeftUpper(device, u.Slice(0, 0, h, h), b1, cancellation);
    }

    /// <summary>B ← L⁻ᵀ·B (solves Lᵀ·X = B) for lower-triangular L (n × n) and B (n × r).</summary>
    public static void TrsmLeftLowerTransposed<T>(ComputeDevice device, HostMatrix<T> l, HostMatrix<T> b, CancellationToken cancellation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = l.Rows;
        if (n <= Base)
        {
            TriangularBlock.Solve(l, b, TriangularBlock.Shape.LowerTransposed);
            return;
        }

        int h = Split(n);
        var b1 = b.Slice(0, 0, h, b.Cols);
        var b2 = b.Slice(h, 0, n - h, b.Cols);
        TrsmLeftLowerTransposed(device, l.Slice(h, h, n - h, n - h), b2, cancellation);
        Gemm(device, -T.One, l.Slice(h, 0, n - h, h), Transpose.Transposed, b2, Transpose.None, T.One, b1, cancellation);
        TrsmLeftLowerTransposed(device, l.Slice(0, 0, h, h), b1, cancellation);
    }

    /// <summary>C ← C − A·Aᵀ in the lower triangle of C (m × m) for A (m × k); the strict upper triangle is not touched.</summary>
    public static void SyrkLower<T>(ComputeDevice device, HostMatrix<T> a, HostMatrix<T> c, CancellationToken cancellation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = c.Rows;
        if (m <= Base)
        {
            // The block's A·Aᵀ as one small GEMM into scratch (faster than a dot product per element), then only its
            // lower triangle is subtracted.
            T[] scratch = System.Buffers.ArrayPool<T>.Shared.Rent(m * m);
            try
            {
                var product = new HostMatrix<T>(scratch, m, m, Math.Max(1, m));
                Gemm(device, T.One, a, Transpose.None, a, Transpose.Transposed, T.Zero, product, cancellation);
                for (int i = 0; i < m; i++)
                {
                    Span<T> ci = c.Row(i);
                    ReadOnlySpan<T> pi = product.Row(i);
                    TensorPrimitives.Subtract<T>(ci[..(i + 1)], pi[..(i + 1)], ci[..(i + 1)]);
                }
            }
            finally
            {
                System.Buffers.ArrayPool<T>.Shared.Return(scratch);
            }

            return;
        }

        int h = Split(m);
        var a1 = a.Slice(0, 0, h, a.Cols);
        var a2 = a.Slice(h, 0, m - h, a.Cols);
        SyrkLower(device, a1, c.Slice(0, 0, h, h), cancellation);
        Gemm(device, -T.One, a2, Transpose.None, a1, Transpose.Transposed, T.One, c.Slice(h, 0, m - h, h), cancellation);
        SyrkLower(device, a2, c.Slice(h, h, m - h, m - h), cancellation);
    }

    /// <summary>C ← α·op(A)·op(B) + β·C as one tile on <paramref name="device"/>, within the lane running the task.</summary>
    public static void Gemm<T>(
        ComputeDevice device, T alpha, HostMatrix<T> a, Transpose opA, HostMatrix<T> b, Transpose opB, T beta, HostMatrix<T> c, CancellationToken cancellation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (c.Rows == 0 || c.Cols == 0)
        {
            return;
        }

        device.RunGemmTileInLane(GemmProblem<T>.Create(alpha, a, opA, b, opB, beta, c), new GemmTile(0, 0, c.Rows, c.Cols), cancellation);
    }

    private static int PotrfElementwise<T>(HostMatrix<T> a)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = a.Rows;
        for (int j = 0; j < n; j++)
        {
            Span<T> aj = a.Row(j);
            T pivot = aj[j] - TensorPrimitives.Dot<T>(aj[..j], aj[..j]);
            if (!(pivot > T.Zero))
            {
                return j; // not positive definite (or NaN): the leading minor of order j + 1 is not positive
            }

            T diagonal = T.Sqrt(pivot);
            aj[j] = diagonal;
            for (int i = j + 1; i < n; i++)
            {
                Span<T> ai = a.Row(i);
                ai[j] = (ai[j] - TensorPrimitives.Dot<T>(ai[..j], aj[..j])) / diagonal;
            }
        }

        return -1;
    }

    /// <summary>Where a triangle of order n is halved: a multiple of <see cref="Base"/>, so the GEMMs stay aligned to it.</summary>
    private static int Split(int n) => Math.Max(Base, n / 2 / Base * Base);
}
