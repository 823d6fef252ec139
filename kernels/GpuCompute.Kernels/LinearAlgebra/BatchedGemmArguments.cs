using System.Runtime.InteropServices;

namespace GpuCompute.Kernels.LinearAlgebra;

/// <summary>The arguments of one <see cref="BatchedGemmKernel"/> launch: C_i ← α·A_i·B_i + β·C_i for
/// <see cref="Count"/> matrices stored one after another, A_i M×K, B_i K×N, C_i M×N, each row-major and dense.</summary>
/// <typeparam name="T">The element type.</typeparam>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct BatchedGemmArguments<T>
    where T : unmanaged
{
    /// <summary>Creates the arguments of one launch.</summary>
    /// <param name="count">Number of matrices.</param>
    /// <param name="m">Rows of A_i and C_i.</param>
    /// <param name="n">Columns of B_i and C_i.</param>
    /// <param name="k">Columns of A_i, rows of B_i.</param>
    /// <param name="alpha">α.</param>
    /// <param name="beta">β; zero means C is only written, never read.</param>
    public BatchedGemmArguments(long count, long m, long n, long k, T alpha, T beta)
    {
        Count = count;
        M = m;
        N = n;
        K = k;
        Alpha = alpha;
        Beta = beta;
    }

    /// <summary>Number of matrices.</summary>
    public long Count { get; }

    /// <summary>Rows of A_i and C_i.</summary>
    public long M { get; }

    /// <summary>Columns of B_i and C_i.</summary>
    public long N { get; }

    /// <summary>The inner dimension.</summary>
    public long K { get; }

    /// <summary>α.</summary>
    public T Alpha { get; }

    /// <summary>β.</summary>
    public T Beta { get; }
}
