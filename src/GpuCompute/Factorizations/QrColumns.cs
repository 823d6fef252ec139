using System.Numerics;
using System.Numerics.Tensors;
using GpuCompute.Matrices;

namespace GpuCompute.Factorizations;

/// <summary>
/// Householder QR of a tall panel in host memory (m × b, m ≥ b), column by column, with its block reflector: on return
/// the panel holds R on and above the diagonal and the Householder vectors below it (LAPACK's <c>geqr2</c> layout),
/// <c>tau</c> their scalars, and the caller gets V (m × b, unit lower-trapezoidal, explicit) and T (b × b upper
/// triangular) with H₁···H_b = I − V·T·Vᵀ (LAPACK's <c>larft</c>). The host's base case of
/// <see cref="PanelQr{T, TTile, TTarget}"/>.
/// </summary>
/// <remarks>The panel is worked on transposed, each column a contiguous span, so every reflection is one dot product
/// and one vectorized update over the column's length.</remarks>
internal static class QrColumns
{
    /// <summary>Factors <paramref name="a"/>; fills <paramref name="tau"/> (b), <paramref name="v"/> (m × b) and
    /// <paramref name="t"/> (b × b).</summary>
    public static void Factor<T>(HostMatrix<T> a, Span<T> tau, HostMatrix<T> v, HostMatrix<T> t)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = a.Rows, b = a.Cols;
        T[] scratch = System.Buffers.ArrayPool<T>.Shared.Rent(m * b);
        try
        {
            PanelColumns.Gather(a, scratch);
            Span<T> Column(int j) => scratch.AsSpan(j * m, m);
            for (int j = 0; j < b; j++)
            {
                Span<T> x = Column(j)[j..];
                T alpha = x[0];
                T tail = TensorPrimitives.Norm<T>(x[1..]);
                if (T.IsZero(tail))
                {
                    tau[j] = T.Zero; // already upper triangular in this column: H = I
                    continue;
                }

                T norm = T.Hypot(alpha, tail);
                T beta = alpha >= T.Zero ? -norm : norm;
                tau[j] = (beta - alpha) / beta;
                TensorPrimitives.Multiply<T>(x[1..], T.One / (alpha - beta), x[1..]);
                x[0] = T.One; // v = (1, x[1..]) while it is applied; beta goes on the diagonal afterwards
                for (int c = j + 1; c < b; c++)
                {
                    Span<T> y = Column(c)[j..];
                    T w = tau[j] * TensorPrimitives.Dot<T>(x, y);
                    TensorPrimitives.MultiplyAdd<T>(x, -w, y, y); // y ← y − τ·(vᵀy)·v
                }

                x[0] = beta;
            }

            // The panel back in place, and V explicit (unit diagonal, zeros above).
            PanelColumns.Scatter(scratch, a);
            for (int i = 0; i < m; i++)
            {
                ReadOnlySpan<T> row = a.Row(i);
                Span<T> vi = v.Row(i);
                for (int j = 0; j < b; j++)
                {
                    vi[j] = i > j ? row[j] : i == j ? T.One : T.Zero;
                }
            }

            // T column by column: T[0..j, j] = −τ_j · T[0..j, 0..j] · (V[:, 0..j]ᵀ · v_j), the dot products over the
            // transposed V (rows j.. only: v_j is zero above j).
            for (int j = 0; j < b; j++)
            {
                Span<T> vj = Column(j);
                vj[j] = T.One;
                vj[..j].Clear();
            }

            for (int j = 0; j < b; j++)
            {
                Span<T> tj = t.Row(j);
                tj.Clear();
            }

            T[] products = System.Buffers.ArrayPool<T>.Shared.Rent(b);
            try
            {
                for (int j = 0; j < b; j++)
                {
                    ReadOnlySpan<T> vj = Column(j)[j..];
                    for (int i = 0; i < j; i++)
                    {
                        products[i] = TensorPrimitives.Dot<T>(Column(i)[j..], vj);
                    }

                    // T[i, j] = −τ_j Σ_{p=i..j-1} T[i, p]·products[p]  (T upper triangular)
                    for (int i = 0; i < j; i++)
                    {
                        t[i, j] = -tau[j] * TensorPrimitives.Dot<T>(t.Row(i)[i..j], products.AsSpan(i, j - i));
                    }

                    t[j, j] = tau[j];
                }
            }
            finally
            {
                System.Buffers.ArrayPool<T>.Shared.Return(products);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<T>.Shared.Return(scratch);
        }
    }
}
