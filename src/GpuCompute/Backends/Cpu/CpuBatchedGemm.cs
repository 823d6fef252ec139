using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GpuCompute.Backends.Cpu;

/// <summary>The instruction set a <see cref="CpuBatchedGemm"/> run uses.</summary>
internal enum CpuBatchedKernel
{
    /// <summary>Plain scalar loops (no SIMD).</summary>
    Scalar,

    /// <summary>256-bit vectors with FMA (AVX2/FMA3).</summary>
    Vector256,

    /// <summary>512-bit vectors (AVX-512F).</summary>
    Vector512,
}

/// <summary>
/// Batched GEMM of small matrices on the CPU: C_i ← α·A_i·B_i + β·C_i for <c>count</c> contiguous row-major
/// matrices (A_i m × k, B_i k × n, C_i m × n, matrix after matrix), with register-blocked kernels that work on the
/// matrices in place: no packing, no per-call setup, so a 32 × 32 product costs little more than its FMAs.
/// </summary>
/// <remarks>
/// C is cut into column strips of two vectors (one for the last strip when fewer columns remain) and row blocks of
/// four rows (eight for one-vector strips); the accumulators stay in registers while k is walked, each step
/// broadcasting one A element per row and multiplying it with B's contiguous row vectors. When n is not a multiple of
/// the vector width the last vector of the last strip is read and written through a lane mask (masked loads do not
/// fault, so the last matrix's last row may end at the end of the array). β = 0 stores α·AB without reading C, so a
/// NaN in C does not reach the result. Every product is computed (no zero shortcuts). Matrices run in chunks on the
/// device's threads.
/// </remarks>
internal static unsafe partial class CpuBatchedGemm
{
    /// <summary>m·n·k (multiply-adds per matrix) above which <see cref="CpuGemm"/> is used instead. Up to about 64³
    /// the three matrices fit in L1/L2 together, so reading A and B in place (B's rows again for every row block,
    /// A's elements as broadcasts) costs nothing next to the FMAs, while BLIS packing and its blocking setup are a
    /// fixed cost per call that a 32³ product (32K FMAs, a few microseconds) cannot amortise. Past it, B no longer
    /// stays in L1 across row blocks and packing into cache-sized panels pays for itself.</summary>
    public const long DirectLimit = 64L * 64 * 64;

    /// <summary>Multiply-adds per parallel work item: enough to amortise scheduling, small enough to balance threads.</summary>
    private const long WorkPerChunk = 1L << 20;

    /// <summary>The fastest kernel this machine runs.</summary>
    public static CpuBatchedKernel Best { get; } =
        Avx512F.IsSupported && Vector512.IsHardwareAccelerated ? CpuBatchedKernel.Vector512
        : Fma.IsSupported && Avx.IsSupported && Vector256.IsHardwareAccelerated ? CpuBatchedKernel.Vector256
        : CpuBatchedKernel.Scalar;

    /// <summary>Whether this machine can run <paramref name="kernel"/>.</summary>
    public static bool IsSupported(CpuBatchedKernel kernel) => kernel <= Best;

    /// <summary>Runs the batch with <see cref="Best"/> (or the given kernel, which must be supported; m, n, k &gt; 0
    /// not required: empty shapes are handled).</summary>
    public static void Multiply<T>(T alpha, T[] a, T[] b, T beta, T[] c, int count, int m, int n, int k, int threads, CpuBatchedKernel? kernel = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
        {
            throw new NotSupportedException($"Batched GEMM supports float and double, not {typeof(T).Name}.");
        }

        CpuBatchedKernel path = kernel ?? Best;
        if (!IsSupported(path))
        {
            throw new NotSupportedException($"The {path} batched GEMM kernel is not supported on this machine.");
        }

        if (count == 0 || m == 0 || n == 0)
        {
            return;
        }

        long work = Math.Max(1L, (long)m * n * k);
        int perChunk = (int)Math.Clamp(WorkPerChunk / work, 1, count);
        int chunks = (count + perChunk - 1) / perChunk;
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Chunk(int chunk)
        {
            int first = chunk * perChunk, last = Math.Min(count, first + perChunk);
            fixed (T* pa = a, pb = b, pc = c)
            {
                for (int i = first; i < last; i++)
                {
                    T* ai = pa + ((nint)i * m * k), bi = pb + ((nint)i * k * n), ci = pc + ((nint)i * m * n);
                    switch (path)
                    {
                        case CpuBatchedKernel.Vector512:
                            MatrixSimd<T, Vector512<T>, Lanes512<T>>(ai, bi, ci, m, n, k, alpha, beta);
                            break;
                        case CpuBatchedKernel.Vector256:
                            MatrixSimd<T, Vector256<T>, Lanes256<T>>(ai, bi, ci, m, n, k, alpha, beta);
                            break;
                        default:
                            MatrixScalar(ai, bi, ci, m, n, k, alpha, beta);
                            break;
                    }
                }
            }
        }

        if (chunks == 1 || threads <= 1)
        {
            for (int chunk = 0; chunk < chunks; chunk++)
            {
                Chunk(chunk);
            }
        }
        else
        {
            Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, Chunk);
        }
    }

    /// <summary>The scalar fallback: one dot product per element of C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MatrixScalar<T>(T* a, T* b, T* c, int m, int n, int k, T alpha, T beta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                T sum = T.Zero;
                for (int p = 0; p < k; p++)
                {
                    sum += a[((nint)i * k) + p] * b[((nint)p * n) + j];
                }

                T* cij = c + ((nint)i * n) + j;
                *cij = beta == T.Zero ? alpha * sum : (alpha * sum) + (beta * *cij);
            }
        }
    }

    /// <summary>Marks a kernel instantiation whose last vector is whole.</summary>
    private struct Full;

    /// <summary>Marks a kernel instantiation whose last vector is read and written through the mask.</summary>
    private struct Masked;
}
