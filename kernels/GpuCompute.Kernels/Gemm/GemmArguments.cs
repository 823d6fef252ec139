using System.Runtime.InteropServices;

namespace GpuCompute.Kernels.Gemm;

/// <summary>
/// The scalar arguments of one GEMM launch, C ← α·op(A)·op(B) + β·C, with op(A) M×K and op(B) K×N; A, B and C are
/// row-major in their stored orientation with the given leading dimensions (in elements).
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct GemmArguments<T>
    where T : unmanaged
{
    /// <summary>Creates the arguments of one launch.</summary>
    /// <param name="m">Rows of C and op(A).</param>
    /// <param name="n">Columns of C and op(B).</param>
    /// <param name="k">Columns of op(A), rows of op(B).</param>
    /// <param name="lda">Leading dimension of A as stored.</param>
    /// <param name="ldb">Leading dimension of B as stored.</param>
    /// <param name="ldc">Leading dimension of C.</param>
    /// <param name="transposeA">True when op(A) = Aᵀ (A stored K×M).</param>
    /// <param name="transposeB">True when op(B) = Bᵀ (B stored N×K).</param>
    /// <param name="alpha">α.</param>
    /// <param name="beta">β; zero means C is only written, never read.</param>
    public GemmArguments(
        int m, int n, int k, int lda, int ldb, int ldc, bool transposeA, bool transposeB, T alpha, T beta)
    {
        M = m;
        N = n;
        K = k;
        Lda = lda;
        Ldb = ldb;
        Ldc = ldc;
        TransposeA = transposeA ? 1 : 0;
        TransposeB = transposeB ? 1 : 0;
        Alpha = alpha;
        Beta = beta;
    }

    /// <summary>Rows of C.</summary>
    public int M { get; }

    /// <summary>Columns of C.</summary>
    public int N { get; }

    /// <summary>The inner dimension.</summary>
    public int K { get; }

    /// <summary>Leading dimension of A as stored.</summary>
    public int Lda { get; }

    /// <summary>Leading dimension of B as stored.</summary>
    public int Ldb { get; }

    /// <summary>Leading dimension of C.</summary>
    public int Ldc { get; }

    /// <summary>1 when op(A) = Aᵀ, else 0 (an int: kernel parameters avoid bool).</summary>
    public int TransposeA { get; }

    /// <summary>1 when op(B) = Bᵀ, else 0.</summary>
    public int TransposeB { get; }

    /// <summary>α.</summary>
    public T Alpha { get; }

    /// <summary>β.</summary>
    public T Beta { get; }
}
