using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GpuCompute.Backends.Cpu;

/// <summary>
/// Register-blocked GEMM micro-kernels: C ← α·Σₚ a[p]·b[p]ᵀ + β·C over <c>kc</c> steps of a packed MR-wide A
/// micro-panel and an NR-wide B micro-panel whose steps are <c>ldb</c> elements apart (NR when packed, B's leading
/// dimension when read in place), for one whole MR × NR tile of C (leading dimension <c>ldc</c>; <c>skipC</c> stores
/// α·AB without reading C). A nonzero <c>prefetch</c> (elements) prefetches that far past each step's B vectors. The
/// accumulators live in vector registers (hand-unrolled locals, so the JIT allocates them to registers). Edge tiles are
/// computed into a scratch tile (α = 1, skipC) and clipped by the caller; strips of at most 8 rows take the 8-row
/// kernel.
/// </summary>
/// <remarks>
/// Each step broadcasts one A element per row and issues one FMA per (row, B vector). Every product is computed, so a
/// NaN or infinity in A or B reaches the tile (no zero shortcuts). Callers check hardware support before calling.
/// </remarks>
internal static unsafe class CpuMicroKernels
{
    /// <summary>14 × 32 single-precision tile: 28 zmm accumulators, 2 B vectors and 1 broadcast of A (31 of 32 registers).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Single512(int kc, float* a, float* b, nint ldb, nint prefetch, float* c, nint ldc, float alpha, float beta, bool skipC)
    {
        // Fetch the C tile's lines now, so the write-back after the loop finds them in cache.
        Sse.Prefetch0(c + (0 * ldc)); Sse.Prefetch0(c + (0 * ldc) + 31);
        Sse.Prefetch0(c + (1 * ldc)); Sse.Prefetch0(c + (1 * ldc) + 31);
        Sse.Prefetch0(c + (2 * ldc)); Sse.Prefetch0(c + (2 * ldc) + 31);
        Sse.Prefetch0(c + (3 * ldc)); Sse.Prefetch0(c + (3 * ldc) + 31);
        Sse.Prefetch0(c + (4 * ldc)); Sse.Prefetch0(c + (4 * ldc) + 31);
        Sse.Prefetch0(c + (5 * ldc)); Sse.Prefetch0(c + (5 * ldc) + 31);
        Sse.Prefetch0(c + (6 * ldc)); Sse.Prefetch0(c + (6 * ldc) + 31);
        Sse.Prefetch0(c + (7 * ldc)); Sse.Prefetch0(c + (7 * ldc) + 31);
        Sse.Prefetch0(c + (8 * ldc)); Sse.Prefetch0(c + (8 * ldc) + 31);
        Sse.Prefetch0(c + (9 * ldc)); Sse.Prefetch0(c + (9 * ldc) + 31);
        Sse.Prefetch0(c + (10 * ldc)); Sse.Prefetch0(c + (10 * ldc) + 31);
        Sse.Prefetch0(c + (11 * ldc)); Sse.Prefetch0(c + (11 * ldc) + 31);
        Sse.Prefetch0(c + (12 * ldc)); Sse.Prefetch0(c + (12 * ldc) + 31);
        Sse.Prefetch0(c + (13 * ldc)); Sse.Prefetch0(c + (13 * ldc) + 31);
        Vector512<float> c0_0 = default, c0_1 = default;
        Vector512<float> c1_0 = default, c1_1 = default;
        Vector512<float> c2_0 = default, c2_1 = default;
        Vector512<float> c3_0 = default, c3_1 = default;
        Vector512<float> c4_0 = default, c4_1 = default;
        Vector512<float> c5_0 = default, c5_1 = default;
        Vector512<float> c6_0 = default, c6_1 = default;
        Vector512<float> c7_0 = default, c7_1 = default;
        Vector512<float> c8_0 = default, c8_1 = default;
        Vector512<float> c9_0 = default, c9_1 = default;
        Vector512<float> c10_0 = default, c10_1 = default;
        Vector512<float> c11_0 = default, c11_1 = default;
        Vector512<float> c12_0 = default, c12_1 = default;
        Vector512<float> c13_0 = default, c13_1 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b);
            Vector512<float> b1 = Vector512.Load(b + 16);
            if (prefetch != 0)
            {
                Sse.Prefetch0(b + prefetch);
                Sse.Prefetch0(b + prefetch + 16);
            }

            Vector512<float> x;
            x = Vector512.Create(a[0]); c0_0 = Avx512F.FusedMultiplyAdd(x, b0, c0_0); c0_1 = Avx512F.FusedMultiplyAdd(x, b1, c0_1);
            x = Vector512.Create(a[1]); c1_0 = Avx512F.FusedMultiplyAdd(x, b0, c1_0); c1_1 = Avx512F.FusedMultiplyAdd(x, b1, c1_1);
            x = Vector512.Create(a[2]); c2_0 = Avx512F.FusedMultiplyAdd(x, b0, c2_0); c2_1 = Avx512F.FusedMultiplyAdd(x, b1, c2_1);
            x = Vector512.Create(a[3]); c3_0 = Avx512F.FusedMultiplyAdd(x, b0, c3_0); c3_1 = Avx512F.FusedMultiplyAdd(x, b1, c3_1);
            x = Vector512.Create(a[4]); c4_0 = Avx512F.FusedMultiplyAdd(x, b0, c4_0); c4_1 = Avx512F.FusedMultiplyAdd(x, b1, c4_1);
            x = Vector512.Create(a[5]); c5_0 = Avx512F.FusedMultiplyAdd(x, b0, c5_0); c5_1 = Avx512F.FusedMultiplyAdd(x, b1, c5_1);
            x = Vector512.Create(a[6]); c6_0 = Avx512F.FusedMultiplyAdd(x, b0, c6_0); c6_1 = Avx512F.FusedMultiplyAdd(x, b1, c6_1);
            x = Vector512.Create(a[7]); c7_0 = Avx512F.FusedMultiplyAdd(x, b0, c7_0); c7_1 = Avx512F.FusedMultiplyAdd(x, b1, c7_1);
            x = Vector512.Create(a[8]); c8_0 = Avx512F.FusedMultiplyAdd(x, b0, c8_0); c8_1 = Avx512F.FusedMultiplyAdd(x, b1, c8_1);
            x = Vector512.Create(a[9]); c9_0 = Avx512F.FusedMultiplyAdd(x, b0, c9_0); c9_1 = Avx512F.FusedMultiplyAdd(x, b1, c9_1);
            x = Vector512.Create(a[10]); c10_0 = Avx512F.FusedMultiplyAdd(x, b0, c10_0); c10_1 = Avx512F.FusedMultiplyAdd(x, b1, c10_1);
            x = Vector512.Create(a[11]); c11_0 = Avx512F.FusedMultiplyAdd(x, b0, c11_0); c11_1 = Avx512F.FusedMultiplyAdd(x, b1, c11_1);
            x = Vector512.Create(a[12]); c12_0 = Avx512F.FusedMultiplyAdd(x, b0, c12_0); c12_1 = Avx512F.FusedMultiplyAdd(x, b1, c12_1);
            x = Vector512.Create(a[13]); c13_0 = Avx512F.FusedMultiplyAdd(x, b0, c13_0); c13_1 = Avx512F.FusedMultiplyAdd(x, b1, c13_1);
            a += 14;
            b += ldb;
        }

        Vector512<float> va = Vector512.Create(alpha);
        if (skipC)
        {
            (c0_0 * va).Store(c + (0 * ldc)); (c0_1 * va).Store(c + (0 * ldc) + 16);
            (c1_0 * va).Store(c + (1 * ldc)); (c1_1 * va).Store(c + (1 * ldc) + 16);
            (c2_0 * va).Store(c + (2 * ldc)); (c2_1 * va).Store(c + (2 * ldc) + 16);
            (c3_0 * va).Store(c + (3 * ldc)); (c3_1 * va).Store(c + (3 * ldc) + 16);
            (c4_0 * va).Store(c + (4 * ldc)); (c4_1 * va).Store(c + (4 * ldc) + 16);
            (c5_0 * va).Store(c + (5 * ldc)); (c5_1 * va).Store(c + (5 * ldc) + 16);
            (c6_0 * va).Store(c + (6 * ldc)); (c6_1 * va).Store(c + (6 * ldc) + 16);
            (c7_0 * va).Store(c + (7 * ldc)); (c7_1 * va).Store(c + (7 * ldc) + 16);
            (c8_0 * va).Store(c + (8 * ldc)); (c8_1 * va).Store(c + (8 * ldc) + 16);
            (c9_0 * va).Store(c + (9 * ldc)); (c9_1 * va).Store(c + (9 * ldc) + 16);
            (c10_0 * va).Store(c + (10 * ldc)); (c10_1 * va).Store(c + (10 * ldc) + 16);
            (c11_0 * va).Store(c + (11 * ldc)); (c11_1 * va).Store(c + (11 * ldc) + 16);
            (c12_0 * va).Store(c + (12 * ldc)); (c12_1 * va).Store(c + (12 * ldc) + 16);
            (c13_0 * va).Store(c + (13 * ldc)); (c13_1 * va).Store(c + (13 * ldc) + 16);
        }
        else
        {
            Vector512<float> vb = Vector512.Create(beta);
            Avx512F.FusedMultiplyAdd(c0_0, va, Vector512.Load(c + (0 * ldc)) * vb).Store(c + (0 * ldc)); Avx512F.FusedMultiplyAdd(c0_1, va, Vector512.Load(c + (0 * ldc) + 16) * vb).Store(c + (0 * ldc) + 16);
            Avx512F.FusedMultiplyAdd(c1_0, va, Vector512.Load(c + (1 * ldc)) * vb).Store(c + (1 * ldc)); Avx512F.FusedMultiplyAdd(c1_1, va, Vector512.Load(c + (1 * ldc) + 16) * vb).Store(c + (1 * ldc) + 16);
            Avx512F.FusedMultiplyAdd(c2_0, va, Vector512.Load(c + (2 * ldc)) * vb).Store(c + (2 * ldc)); Avx512F.FusedMultiplyAdd(c2_1, va, Vector512.Load(c + (2 * ldc) + 16) * vb).Store(c + (2 * ldc) + 16);
            Avx512F.FusedMultiplyAdd(c3_0, va, Vector512.Load(c + (3 * ldc)) * vb).Store(c + (3 * ldc)); Avx512F.FusedMultiplyAdd(c3_1, va, Vector512.Load(c + (3 * ldc) + 16) * vb).Store(c + (3 * ldc) + 16);
            Avx512F.FusedMultiplyAdd(c4_0, va, Vector512.Load(c + (4 * ldc)) * vb).Store(c + (4 * ldc)); Avx512F.FusedMultiplyAdd(c4_1, va, Vector512.Load(c + (4 * ldc) + 16) * vb).Store(c + (4 * ldc) + 16);
            Avx512F.FusedMultiplyAdd(c5_0, va, Vector512.Load(c + (5 * ldc)) * vb).Store(c + (5 * ldc)); Avx512F.FusedMultiplyAdd(c5_1, va, Vector512.Load(c + (5 * ldc) + 16) * vb).Store(c + (5 * ldc) + 16);
            Avx512F.FusedMultiplyAdd(c6_0, va, Vector512.Load(c + (6 * ldc)) * vb).Store(c + (6 * ldc)); Avx512F.FusedMultiplyAdd(c6_1, va, Vector512.Load(c + (6 * ldc) + 16) * vb).Store(c + (6 * ldc) + 16);
            Avx512F.FusedMultiplyAdd(c7_0, va, Vector512.Load(c + (7 * ldc)) * vb).Store(c + (7 * ldc)); Avx512F.FusedMultiplyAdd(c7_1, va, Vector512.Load(c + (7 * ldc) + 16) * vb).Store(c + (7 * ldc) + 16);
            Avx512F.FusedMultiplyAdd(c8_0, va, Vector512.Load(c + (8 * ldc)) * vb).Store(c + (8 * ldc)); Avx512F.FusedMultiplyAdd(c8_1, va, Vector512.Load(c + (8 * ldc) + 16) * vb).Store(c + (8 * ldc) + 16);
            Avx512F.FusedMultiplyAdd(c9_0, va, Vector512.Load(c + (9 * ldc)) * vb).Store(c + (9 * ldc)); Avx512F.FusedMultiplyAdd(c9_1, va, Vector512.Load(c + (9 * ldc) + 16) * vb).Store(c + (9 * ldc) + 16);
            Avx512F.FusedMultiplyAdd(c10_0, va, Vector512.Load(c + (10 * ldc)) * vb).Store(c + (10 * ldc)); Avx512F.FusedMultiplyAdd(c10_1, va, Vector512.Load(c + (10 * ldc) + 16) * vb).Store(c + (10 * ldc) + 16);
            Avx512F.FusedMultiplyAdd(c11_0, va, Vector512.Load(c + (11 * ldc)) * vb).Store(c + (11 * ldc)); Avx512F.FusedMultiplyAdd(c11_1, va, Vector512.Load(c + (11 * ldc) + 16) * vb).Store(c + (11 * ldc) + 16);
            Avx512F.FusedMultiplyAdd(c12_0, va, Vector512.Load(c + (12 * ldc)) * vb).Store(c + (12 * ldc)); Avx512F.FusedMultiplyAdd(c12_1, va, Vector512.Load(c + (12 * ldc) + 16) * vb).Store(c + (12 * ldc) + 16);
            Avx512F.FusedMultiplyAdd(c13_0, va, Vector512.Load(c + (13 * ldc)) * vb).Store(c + (13 * ldc)); Avx512F.FusedMultiplyAdd(c13_1, va, Vector512.Load(c + (13 * ldc) + 16) * vb).Store(c + (13 * ldc) + 16);
        }
    }

    /// <summary>14 × 16 double-precision tile: 28 zmm accumulators, 2 B vectors and 1 broadcast of A (31 of 32 registers).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Double512(int kc, double* a, double* b, nint ldb, nint prefetch, double* c, nint ldc, double alpha, double beta, bool skipC)
    {
        // Fetch the C tile's lines now, so the write-back after the loop finds them in cache.
        Sse.Prefetch0(c + (0 * ldc)); Sse.Prefetch0(c + (0 * ldc) + 15);
        Sse.Prefetch0(c + (1 * ldc)); Sse.Prefetch0(c + (1 * ldc) + 15);
        Sse.Prefetch0(c + (2 * ldc)); Sse.Prefetch0(c + (2 * ldc) + 15);
        Sse.Prefetch0(c + (3 * ldc)); Sse.Prefetch0(c + (3 * ldc) + 15);
        Sse.Prefetch0(c + (4 * ldc)); Sse.Prefetch0(c + (4 * ldc) + 15);
        Sse.Prefetch0(c + (5 * ldc)); Sse.Prefetch0(c + (5 * ldc) + 15);
        Sse.Prefetch0(c + (6 * ldc)); Sse.Prefetch0(c + (6 * ldc) + 15);
        Sse.Prefetch0(c + (7 * ldc)); Sse.Prefetch0(c + (7 * ldc) + 15);
        Sse.Prefetch0(c + (8 * ldc)); Sse.Prefetch0(c + (8 * ldc) + 15);
        Sse.Prefetch0(c + (9 * ldc)); Sse.Prefetch0(c + (9 * ldc) + 15);
        Sse.Prefetch0(c + (10 * ldc)); Sse.Prefetch0(c + (10 * ldc) + 15);
        Sse.Prefetch0(c + (11 * ldc)); Sse.Prefetch0(c + (11 * ldc) + 15);
        Sse.Prefetch0(c + (12 * ldc)); Sse.Prefetch0(c + (12 * ldc) + 15);
        Sse.Prefetch0(c + (13 * ldc)); Sse.Prefetch0(c + (13 * ldc) + 15);
        Vector512<double> c0_0 = default, c0_1 = default;
        Vector512<double> c1_0 = default, c1_1 = default;
        Vector512<double> c2_0 = default, c2_1 = default;
        Vector512<double> c3_0 = default, c3_1 = default;
        Vector512<double> c4_0 = default, c4_1 = default;
        Vector512<double> c5_0 = default, c5_1 = default;
        Vector512<double> c6_0 = default, c6_1 = default;
        Vector512<double> c7_0 = default, c7_1 = default;
        Vector512<double> c8_0 = default, c8_1 = default;
        Vector512<double> c9_0 = default, c9_1 = default;
        Vector512<double> c10_0 = default, c10_1 = default;
        Vector512<double> c11_0 = default, c11_1 = default;
        Vector512<double> c12_0 = default, c12_1 = default;
        Vector512<double> c13_0 = default, c13_1 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector512<double> b0 = Vector512.Load(b);
            Vector512<double> b1 = Vector512.Load(b + 8);
            if (prefetch != 0)
            {
                Sse.Prefetch0(b + prefetch);
                Sse.Prefetch0(b + prefetch + 8);
            }

            Vector512<double> x;
            x = Vector512.Create(a[0]); c0_0 = Avx512F.FusedMultiplyAdd(x, b0, c0_0); c0_1 = Avx512F.FusedMultiplyAdd(x, b1, c0_1);
            x = Vector512.Create(a[1]); c1_0 = Avx512F.FusedMultiplyAdd(x, b0, c1_0); c1_1 = Avx512F.FusedMultiplyAdd(x, b1, c1_1);
            x = Vector512.Create(a[2]); c2_0 = Avx512F.FusedMultiplyAdd(x, b0, c2_0); c2_1 = Avx512F.FusedMultiplyAdd(x, b1, c2_1);
            x = Vector512.Create(a[3]); c3_0 = Avx512F.FusedMultiplyAdd(x, b0, c3_0); c3_1 = Avx512F.FusedMultiplyAdd(x, b1, c3_1);
            x = Vector512.Create(a[4]); c4_0 = Avx512F.FusedMultiplyAdd(x, b0, c4_0); c4_1 = Avx512F.FusedMultiplyAdd(x, b1, c4_1);
            x = Vector512.Create(a[5]); c5_0 = Avx512F.FusedMultiplyAdd(x, b0, c5_0); c5_1 = Avx512F.FusedMultiplyAdd(x, b1, c5_1);
            x = Vector512.Create(a[6]); c6_0 = Avx512F.FusedMultiplyAdd(x, b0, c6_0); c6_1 = Avx512F.FusedMultiplyAdd(x, b1, c6_1);
            x = Vector512.Create(a[7]); c7_0 = Avx512F.FusedMultiplyAdd(x, b0, c7_0); c7_1 = Avx512F.FusedMultiplyAdd(x, b1, c7_1);
            x = Vector512.Create(a[8]); c8_0 = Avx512F.FusedMultiplyAdd(x, b0, c8_0); c8_1 = Avx512F.FusedMultiplyAdd(x, b1, c8_1);
            x = Vector512.Create(a[9]); c9_0 = Avx512F.FusedMultiplyAdd(x, b0, c9_0); c9_1 = Avx512F.FusedMultiplyAdd(x, b1, c9_1);
            x = Vector512.Create(a[10]); c10_0 = Avx512F.FusedMultiplyAdd(x, b0, c10_0); c10_1 = Avx512F.FusedMultiplyAdd(x, b1, c10_1);
            x = Vector512.Create(a[11]); c11_0 = Avx512F.FusedMultiplyAdd(x, b0, c11_0); c11_1 = Avx512F.FusedMultiplyAdd(x, b1, c11_1);
            x = Vector512.Create(a[12]); c12_0 = Avx512F.FusedMultiplyAdd(x, b0, c12_0); c12_1 = Avx512F.FusedMultiplyAdd(x, b1, c12_1);
            x = Vector512.Create(a[13]); c13_0 = Avx512F.FusedMultiplyAdd(x, b0, c13_0); c13_1 = Avx512F.FusedMultiplyAdd(x, b1, c13_1);
            a += 14;
            b += ldb;
        }

        Vector512<double> va = Vector512.Create(alpha);
        if (skipC)
        {
            (c0_0 * va).Store(c + (0 * ldc)); (c0_1 * va).Store(c + (0 * ldc) + 8);
            (c1_0 * va).Store(c + (1 * ldc)); (c1_1 * va).Store(c + (1 * ldc) + 8);
            (c2_0 * va).Store(c + (2 * ldc)); (c2_1 * va).Store(c + (2 * ldc) + 8);
            (c3_0 * va).Store(c + (3 * ldc)); (c3_1 * va).Store(c + (3 * ldc) + 8);
            (c4_0 * va).Store(c + (4 * ldc)); (c4_1 * va).Store(c + (4 * ldc) + 8);
            (c5_0 * va).Store(c + (5 * ldc)); (c5_1 * va).Store(c + (5 * ldc) + 8);
            (c6_0 * va).Store(c + (6 * ldc)); (c6_1 * va).Store(c + (6 * ldc) + 8);
            (c7_0 * va).Store(c + (7 * ldc)); (c7_1 * va).Store(c + (7 * ldc) + 8);
            (c8_0 * va).Store(c + (8 * ldc)); (c8_1 * va).Store(c + (8 * ldc) + 8);
            (c9_0 * va).Store(c + (9 * ldc)); (c9_1 * va).Store(c + (9 * ldc) + 8);
            (c10_0 * va).Store(c + (10 * ldc)); (c10_1 * va).Store(c + (10 * ldc) + 8);
            (c11_0 * va).Store(c + (11 * ldc)); (c11_1 * va).Store(c + (11 * ldc) + 8);
            (c12_0 * va).Store(c + (12 * ldc)); (c12_1 * va).Store(c + (12 * ldc) + 8);
            (c13_0 * va).Store(c + (13 * ldc)); (c13_1 * va).Store(c + (13 * ldc) + 8);
        }
        else
        {
            Vector512<double> vb = Vector512.Create(beta);
            Avx512F.FusedMultiplyAdd(c0_0, va, Vector512.Load(c + (0 * ldc)) * vb).Store(c + (0 * ldc)); Avx512F.FusedMultiplyAdd(c0_1, va, Vector512.Load(c + (0 * ldc) + 8) * vb).Store(c + (0 * ldc) + 8);
            Avx512F.FusedMultiplyAdd(c1_0, va, Vector512.Load(c + (1 * ldc)) * vb).Store(c + (1 * ldc)); Avx512F.FusedMultiplyAdd(c1_1, va, Vector512.Load(c + (1 * ldc) + 8) * vb).Store(c + (1 * ldc) + 8);
            Avx512F.FusedMultiplyAdd(c2_0, va, Vector512.Load(c + (2 * ldc)) * vb).Store(c + (2 * ldc)); Avx512F.FusedMultiplyAdd(c2_1, va, Vector512.Load(c + (2 * ldc) + 8) * vb).Store(c + (2 * ldc) + 8);
            Avx512F.FusedMultiplyAdd(c3_0, va, Vector512.Load(c + (3 * ldc)) * vb).Store(c + (3 * ldc)); Avx512F.FusedMultiplyAdd(c3_1, va, Vector512.Load(c + (3 * ldc) + 8) * vb).Store(c + (3 * ldc) + 8);
            Avx512F.FusedMultiplyAdd(c4_0, va, Vector512.Load(c + (4 * ldc)) * vb).Store(c + (4 * ldc)); Avx512F.FusedMultiplyAdd(c4_1, va, Vector512.Load(c + (4 * ldc) + 8) * vb).Store(c + (4 * ldc) + 8);
            Avx512F.FusedMultiplyAdd(c5_0, va, Vector512.Load(c + (5 * ldc)) * vb).Store(c + (5 * ldc)); Avx512F.FusedMultiplyAdd(c5_1, va, Vector512.Load(c + (5 * ldc) + 8) * vb).Store(c + (5 * ldc) + 8);
            Avx512F.FusedMultiplyAdd(c6_0, va, Vector512.Load(c + (6 * ldc)) * vb).Store(c + (6 * ldc)); Avx512F.FusedMultiplyAdd(c6_1, va, Vector512.Load(c + (6 * ldc) + 8) * vb).Store(c + (6 * ldc) + 8);
            Avx512F.FusedMultiplyAdd(c7_0, va, Vector512.Load(c + (7 * ldc)) * vb).Store(c + (7 * ldc)); Avx512F.FusedMultiplyAdd(c7_1, va, Vector512.Load(c + (7 * ldc) + 8) * vb).Store(c + (7 * ldc) + 8);
            Avx512F.FusedMultiplyAdd(c8_0, va, Vector512.Load(c + (8 * ldc)) * vb).Store(c + (8 * ldc)); Avx512F.FusedMultiplyAdd(c8_1, va, Vector512.Load(c + (8 * ldc) + 8) * vb).Store(c + (8 * ldc) + 8);
            Avx512F.FusedMultiplyAdd(c9_0, va, Vector512.Load(c + (9 * ldc)) * vb).Store(c + (9 * ldc)); Avx512F.FusedMultiplyAdd(c9_1, va, Vector512.Load(c + (9 * ldc) + 8) * vb).Store(c + (9 * ldc) + 8);
            Avx512F.FusedMultiplyAdd(c10_0, va, Vector512.Load(c + (10 * ldc)) * vb).Store(c + (10 * ldc)); Avx512F.FusedMultiplyAdd(c10_1, va, Vector512.Load(c + (10 * ldc) + 8) * vb).Store(c + (10 * ldc) + 8);
            Avx512F.FusedMultiplyAdd(c11_0, va, Vector512.Load(c + (11 * ldc)) * vb).Store(c + (11 * ldc)); Avx512F.FusedMultiplyAdd(c11_1, va, Vector512.Load(c + (11 * ldc) + 8) * vb).Store(c + (11 * ldc) + 8);
            Avx512F.FusedMultiplyAdd(c12_0, va, Vector512.Load(c + (12 * ldc)) * vb).Store(c + (12 * ldc)); Avx512F.FusedMultiplyAdd(c12_1, va, Vector512.Load(c + (12 * ldc) + 8) * vb).Store(c + (12 * ldc) + 8);
            Avx512F.FusedMultiplyAdd(c13_0, va, Vector512.Load(c + (13 * ldc)) * vb).Store(c + (13 * ldc)); Avx512F.FusedMultiplyAdd(c13_1, va, Vector512.Load(c + (13 * ldc) + 8) * vb).Store(c + (13 * ldc) + 8);
        }
    }

    /// <summary>
    /// 8 × NR tile (NR two 512-bit vectors: 32 floats, 16 doubles) for the last strip of a block when it has at most 8
    /// rows: the A micro-panel is still packed MR = 14 wide (<paramref name="mr"/> apart per step), but only its first 8
    /// rows are multiplied (16 accumulators), where the 14-row kernel would spend 6 of every 14 FMAs on zero padding.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Rows8x512<T>(int kc, T* a, nint mr, T* b, nint ldb, nint prefetch, T* c, nint ldc, T alpha, T beta, bool skipC)
        where T : unmanaged
    {
        int w = Vector512<T>.Count;
        Sse.Prefetch0(c + (0 * ldc)); Sse.Prefetch0(c + (0 * ldc) + (2 * w) - 1);
        Sse.Prefetch0(c + (1 * ldc)); Sse.Prefetch0(c + (1 * ldc) + (2 * w) - 1);
        Sse.Prefetch0(c + (2 * ldc)); Sse.Prefetch0(c + (2 * ldc) + (2 * w) - 1);
        Sse.Prefetch0(c + (3 * ldc)); Sse.Prefetch0(c + (3 * ldc) + (2 * w) - 1);
        Sse.Prefetch0(c + (4 * ldc)); Sse.Prefetch0(c + (4 * ldc) + (2 * w) - 1);
        Sse.Prefetch0(c + (5 * ldc)); Sse.Prefetch0(c + (5 * ldc) + (2 * w) - 1);
        Sse.Prefetch0(c + (6 * ldc)); Sse.Prefetch0(c + (6 * ldc) + (2 * w) - 1);
        Sse.Prefetch0(c + (7 * ldc)); Sse.Prefetch0(c + (7 * ldc) + (2 * w) - 1);
        Vector512<T> c0_0 = default, c0_1 = default;
        Vector512<T> c1_0 = default, c1_1 = default;
        Vector512<T> c2_0 = default, c2_1 = default;
        Vector512<T> c3_0 = default, c3_1 = default;
        Vector512<T> c4_0 = default, c4_1 = default;
        Vector512<T> c5_0 = default, c5_1 = default;
        Vector512<T> c6_0 = default, c6_1 = default;
        Vector512<T> c7_0 = default, c7_1 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector512<T> b0 = Vector512.Load(b);
            Vector512<T> b1 = Vector512.Load(b + w);
            if (prefetch != 0)
            {
                Sse.Prefetch0(b + prefetch);
                Sse.Prefetch0(b + prefetch + w);
            }

            Vector512<T> x;
            x = Vector512.Create(a[0]); c0_0 = MultiplyAdd512(x, b0, c0_0); c0_1 = MultiplyAdd512(x, b1, c0_1);
            x = Vector512.Create(a[1]); c1_0 = MultiplyAdd512(x, b0, c1_0); c1_1 = MultiplyAdd512(x, b1, c1_1);
            x = Vector512.Create(a[2]); c2_0 = MultiplyAdd512(x, b0, c2_0); c2_1 = MultiplyAdd512(x, b1, c2_1);
            x = Vector512.Create(a[3]); c3_0 = MultiplyAdd512(x, b0, c3_0); c3_1 = MultiplyAdd512(x, b1, c3_1);
            x = Vector512.Create(a[4]); c4_0 = MultiplyAdd512(x, b0, c4_0); c4_1 = MultiplyAdd512(x, b1, c4_1);
            x = Vector512.Create(a[5]); c5_0 = MultiplyAdd512(x, b0, c5_0); c5_1 = MultiplyAdd512(x, b1, c5_1);
            x = Vector512.Create(a[6]); c6_0 = MultiplyAdd512(x, b0, c6_0); c6_1 = MultiplyAdd512(x, b1, c6_1);
            x = Vector512.Create(a[7]); c7_0 = MultiplyAdd512(x, b0, c7_0); c7_1 = MultiplyAdd512(x, b1, c7_1);
            a += mr;
            b += ldb;
        }

        Vector512<T> va = Vector512.Create(alpha);
        if (skipC)
        {
            (c0_0 * va).Store(c + (0 * ldc)); (c0_1 * va).Store(c + (0 * ldc) + w);
            (c1_0 * va).Store(c + (1 * ldc)); (c1_1 * va).Store(c + (1 * ldc) + w);
            (c2_0 * va).Store(c + (2 * ldc)); (c2_1 * va).Store(c + (2 * ldc) + w);
            (c3_0 * va).Store(c + (3 * ldc)); (c3_1 * va).Store(c + (3 * ldc) + w);
            (c4_0 * va).Store(c + (4 * ldc)); (c4_1 * va).Store(c + (4 * ldc) + w);
            (c5_0 * va).Store(c + (5 * ldc)); (c5_1 * va).Store(c + (5 * ldc) + w);
            (c6_0 * va).Store(c + (6 * ldc)); (c6_1 * va).Store(c + (6 * ldc) + w);
            (c7_0 * va).Store(c + (7 * ldc)); (c7_1 * va).Store(c + (7 * ldc) + w);
        }
        else
        {
            Vector512<T> vb = Vector512.Create(beta);
            MultiplyAdd512(c0_0, va, Vector512.Load(c + (0 * ldc)) * vb).Store(c + (0 * ldc)); MultiplyAdd512(c0_1, va, Vector512.Load(c + (0 * ldc) + w) * vb).Store(c + (0 * ldc) + w);
            MultiplyAdd512(c1_0, va, Vector512.Load(c + (1 * ldc)) * vb).Store(c + (1 * ldc)); MultiplyAdd512(c1_1, va, Vector512.Load(c + (1 * ldc) + w) * vb).Store(c + (1 * ldc) + w);
            MultiplyAdd512(c2_0, va, Vector512.Load(c + (2 * ldc)) * vb).Store(c + (2 * ldc)); MultiplyAdd512(c2_1, va, Vector512.Load(c + (2 * ldc) + w) * vb).Store(c + (2 * ldc) + w);
            MultiplyAdd512(c3_0, va, Vector512.Load(c + (3 * ldc)) * vb).Store(c + (3 * ldc)); MultiplyAdd512(c3_1, va, Vector512.Load(c + (3 * ldc) + w) * vb).Store(c + (3 * ldc) + w);
            MultiplyAdd512(c4_0, va, Vector512.Load(c + (4 * ldc)) * vb).Store(c + (4 * ldc)); MultiplyAdd512(c4_1, va, Vector512.Load(c + (4 * ldc) + w) * vb).Store(c + (4 * ldc) + w);
            MultiplyAdd512(c5_0, va, Vector512.Load(c + (5 * ldc)) * vb).Store(c + (5 * ldc)); MultiplyAdd512(c5_1, va, Vector512.Load(c + (5 * ldc) + w) * vb).Store(c + (5 * ldc) + w);
            MultiplyAdd512(c6_0, va, Vector512.Load(c + (6 * ldc)) * vb).Store(c + (6 * ldc)); MultiplyAdd512(c6_1, va, Vector512.Load(c + (6 * ldc) + w) * vb).Store(c + (6 * ldc) + w);
            MultiplyAdd512(c7_0, va, Vector512.Load(c + (7 * ldc)) * vb).Store(c + (7 * ldc)); MultiplyAdd512(c7_1, va, Vector512.Load(c + (7 * ldc) + w) * vb).Store(c + (7 * ldc) + w);
        }
    }

    /// <summary>x·y + z in one rounding, for float or double vectors (the JIT keeps one branch per type).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> MultiplyAdd512<T>(Vector512<T> x, Vector512<T> y, Vector512<T> z)
        where T : unmanaged => typeof(T) == typeof(float)
            ? Avx512F.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), z.AsSingle()).As<float, T>()
            : Avx512F.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), z.AsDouble()).As<double, T>();

    /// <summary>6 × 16 single-precision tile: 12 ymm accumulators, 2 B vectors and 1 broadcast (15 of the 16 AVX2 registers).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Single256(int kc, float* a, float* b, nint ldb, nint prefetch, float* c, nint ldc, float alpha, float beta, bool skipC)
    {
        // Fetch the C tile's lines now, so the write-back after the loop finds them in cache.
        Sse.Prefetch0(c + (0 * ldc)); Sse.Prefetch0(c + (0 * ldc) + 15);
        Sse.Prefetch0(c + (1 * ldc)); Sse.Prefetch0(c + (1 * ldc) + 15);
        Sse.Prefetch0(c + (2 * ldc)); Sse.Prefetch0(c + (2 * ldc) + 15);
        Sse.Prefetch0(c + (3 * ldc)); Sse.Prefetch0(c + (3 * ldc) + 15);
        Sse.Prefetch0(c + (4 * ldc)); Sse.Prefetch0(c + (4 * ldc) + 15);
        Sse.Prefetch0(c + (5 * ldc)); Sse.Prefetch0(c + (5 * ldc) + 15);
        Vector256<float> c0_0 = default, c0_1 = default;
        Vector256<float> c1_0 = default, c1_1 = default;
        Vector256<float> c2_0 = default, c2_1 = default;
        Vector256<float> c3_0 = default, c3_1 = default;
        Vector256<float> c4_0 = default, c4_1 = default;
        Vector256<float> c5_0 = default, c5_1 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector256<float> b0 = Vector256.Load(b);
            Vector256<float> b1 = Vector256.Load(b + 8);
            if (prefetch != 0)
            {
                Sse.Prefetch0(b + prefetch);
            }

            Vector256<float> x;
            x = Vector256.Create(a[0]); c0_0 = Fma.MultiplyAdd(x, b0, c0_0); c0_1 = Fma.MultiplyAdd(x, b1, c0_1);
            x = Vector256.Create(a[1]); c1_0 = Fma.MultiplyAdd(x, b0, c1_0); c1_1 = Fma.MultiplyAdd(x, b1, c1_1);
            x = Vector256.Create(a[2]); c2_0 = Fma.MultiplyAdd(x, b0, c2_0); c2_1 = Fma.MultiplyAdd(x, b1, c2_1);
            x = Vector256.Create(a[3]); c3_0 = Fma.MultiplyAdd(x, b0, c3_0); c3_1 = Fma.MultiplyAdd(x, b1, c3_1);
            x = Vector256.Create(a[4]); c4_0 = Fma.MultiplyAdd(x, b0, c4_0); c4_1 = Fma.MultiplyAdd(x, b1, c4_1);
            x = Vector256.Create(a[5]); c5_0 = Fma.MultiplyAdd(x, b0, c5_0); c5_1 = Fma.MultiplyAdd(x, b1, c5_1);
            a += 6;
            b += ldb;
        }

        Vector256<float> va = Vector256.Create(alpha);
        if (skipC)
        {
            (c0_0 * va).Store(c + (0 * ldc)); (c0_1 * va).Store(c + (0 * ldc) + 8);
            (c1_0 * va).Store(c + (1 * ldc)); (c1_1 * va).Store(c + (1 * ldc) + 8);
            (c2_0 * va).Store(c + (2 * ldc)); (c2_1 * va).Store(c + (2 * ldc) + 8);
            (c3_0 * va).Store(c + (3 * ldc)); (c3_1 * va).Store(c + (3 * ldc) + 8);
            (c4_0 * va).Store(c + (4 * ldc)); (c4_1 * va).Store(c + (4 * ldc) + 8);
            (c5_0 * va).Store(c + (5 * ldc)); (c5_1 * va).Store(c + (5 * ldc) + 8);
        }
        else
        {
            Vector256<float> vb = Vector256.Create(beta);
            Fma.MultiplyAdd(c0_0, va, Vector256.Load(c + (0 * ldc)) * vb).Store(c + (0 * ldc)); Fma.MultiplyAdd(c0_1, va, Vector256.Load(c + (0 * ldc) + 8) * vb).Store(c + (0 * ldc) + 8);
            Fma.MultiplyAdd(c1_0, va, Vector256.Load(c + (1 * ldc)) * vb).Store(c + (1 * ldc)); Fma.MultiplyAdd(c1_1, va, Vector256.Load(c + (1 * ldc) + 8) * vb).Store(c + (1 * ldc) + 8);
            Fma.MultiplyAdd(c2_0, va, Vector256.Load(c + (2 * ldc)) * vb).Store(c + (2 * ldc)); Fma.MultiplyAdd(c2_1, va, Vector256.Load(c + (2 * ldc) + 8) * vb).Store(c + (2 * ldc) + 8);
            Fma.MultiplyAdd(c3_0, va, Vector256.Load(c + (3 * ldc)) * vb).Store(c + (3 * ldc)); Fma.MultiplyAdd(c3_1, va, Vector256.Load(c + (3 * ldc) + 8) * vb).Store(c + (3 * ldc) + 8);
            Fma.MultiplyAdd(c4_0, va, Vector256.Load(c + (4 * ldc)) * vb).Store(c + (4 * ldc)); Fma.MultiplyAdd(c4_1, va, Vector256.Load(c + (4 * ldc) + 8) * vb).Store(c + (4 * ldc) + 8);
            Fma.MultiplyAdd(c5_0, va, Vector256.Load(c + (5 * ldc)) * vb).Store(c + (5 * ldc)); Fma.MultiplyAdd(c5_1, va, Vector256.Load(c + (5 * ldc) + 8) * vb).Store(c + (5 * ldc) + 8);
        }
    }

    /// <summary>6 × 8 double-precision tile: 12 ymm accumulators, 2 B vectors and 1 broadcast (15 of the 16 AVX2 registers).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Double256(int kc, double* a, double* b, nint ldb, nint prefetch, double* c, nint ldc, double alpha, double beta, bool skipC)
    {
        // Fetch the C tile's lines now, so the write-back after the loop finds them in cache.
        Sse.Prefetch0(c + (0 * ldc)); Sse.Prefetch0(c + (0 * ldc) + 7);
        Sse.Prefetch0(c + (1 * ldc)); Sse.Prefetch0(c + (1 * ldc) + 7);
        Sse.Prefetch0(c + (2 * ldc)); Sse.Prefetch0(c + (2 * ldc) + 7);
        Sse.Prefetch0(c + (3 * ldc)); Sse.Prefetch0(c + (3 * ldc) + 7);
        Sse.Prefetch0(c + (4 * ldc)); Sse.Prefetch0(c + (4 * ldc) + 7);
        Sse.Prefetch0(c + (5 * ldc)); Sse.Prefetch0(c + (5 * ldc) + 7);
        Vector256<double> c0_0 = default, c0_1 = default;
        Vector256<double> c1_0 = default, c1_1 = default;
        Vector256<double> c2_0 = default, c2_1 = default;
        Vector256<double> c3_0 = default, c3_1 = default;
        Vector256<double> c4_0 = default, c4_1 = default;
        Vector256<double> c5_0 = default, c5_1 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector256<double> b0 = Vector256.Load(b);
            Vector256<double> b1 = Vector256.Load(b + 4);
            if (prefetch != 0)
            {
                Sse.Prefetch0(b + prefetch);
            }

            Vector256<double> x;
            x = Vector256.Create(a[0]); c0_0 = Fma.MultiplyAdd(x, b0, c0_0); c0_1 = Fma.MultiplyAdd(x, b1, c0_1);
            x = Vector256.Create(a[1]); c1_0 = Fma.MultiplyAdd(x, b0, c1_0); c1_1 = Fma.MultiplyAdd(x, b1, c1_1);
            x = Vector256.Create(a[2]); c2_0 = Fma.MultiplyAdd(x, b0, c2_0); c2_1 = Fma.MultiplyAdd(x, b1, c2_1);
            x = Vector256.Create(a[3]); c3_0 = Fma.MultiplyAdd(x, b0, c3_0); c3_1 = Fma.MultiplyAdd(x, b1, c3_1);
            x = Vector256.Create(a[4]); c4_0 = Fma.MultiplyAdd(x, b0, c4_0); c4_1 = Fma.MultiplyAdd(x, b1, c4_1);
            x = Vector256.Create(a[5]); c5_0 = Fma.MultiplyAdd(x, b0, c5_0); c5_1 = Fma.MultiplyAdd(x, b1, c5_1);
            a += 6;
            b += ldb;
        }

        Vector256<double> va = Vector256.Create(alpha);
        if (skipC)
        {
            (c0_0 * va).Store(c + (0 * ldc)); (c0_1 * va).Store(c + (0 * ldc) + 4);
            (c1_0 * va).Store(c + (1 * ldc)); (c1_1 * va).Store(c + (1 * ldc) + 4);
            (c2_0 * va).Store(c + (2 * ldc)); (c2_1 * va).Store(c + (2 * ldc) + 4);
            (c3_0 * va).Store(c + (3 * ldc)); (c3_1 * va).Store(c + (3 * ldc) + 4);
            (c4_0 * va).Store(c + (4 * ldc)); (c4_1 * va).Store(c + (4 * ldc) + 4);
            (c5_0 * va).Store(c + (5 * ldc)); (c5_1 * va).Store(c + (5 * ldc) + 4);
        }
        else
        {
            Vector256<double> vb = Vector256.Create(beta);
            Fma.MultiplyAdd(c0_0, va, Vector256.Load(c + (0 * ldc)) * vb).Store(c + (0 * ldc)); Fma.MultiplyAdd(c0_1, va, Vector256.Load(c + (0 * ldc) + 4) * vb).Store(c + (0 * ldc) + 4);
            Fma.MultiplyAdd(c1_0, va, Vector256.Load(c + (1 * ldc)) * vb).Store(c + (1 * ldc)); Fma.MultiplyAdd(c1_1, va, Vector256.Load(c + (1 * ldc) + 4) * vb).Store(c + (1 * ldc) + 4);
            Fma.MultiplyAdd(c2_0, va, Vector256.Load(c + (2 * ldc)) * vb).Store(c + (2 * ldc)); Fma.MultiplyAdd(c2_1, va, Vector256.Load(c + (2 * ldc) + 4) * vb).Store(c + (2 * ldc) + 4);
            Fma.MultiplyAdd(c3_0, va, Vector256.Load(c + (3 * ldc)) * vb).Store(c + (3 * ldc)); Fma.MultiplyAdd(c3_1, va, Vector256.Load(c + (3 * ldc) + 4) * vb).Store(c + (3 * ldc) + 4);
            Fma.MultiplyAdd(c4_0, va, Vector256.Load(c + (4 * ldc)) * vb).Store(c + (4 * ldc)); Fma.MultiplyAdd(c4_1, va, Vector256.Load(c + (4 * ldc) + 4) * vb).Store(c + (4 * ldc) + 4);
            Fma.MultiplyAdd(c5_0, va, Vector256.Load(c + (5 * ldc)) * vb).Store(c + (5 * ldc)); Fma.MultiplyAdd(c5_1, va, Vector256.Load(c + (5 * ldc) + 4) * vb).Store(c + (5 * ldc) + 4);
        }
    }

    /// <summary>4 × 4 tile in plain scalar code: the portable fallback for either precision.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Scalar<T>(int kc, T* a, T* b, nint ldb, T* c, nint ldc, T alpha, T beta, bool skipC)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        T c00 = T.Zero, c01 = T.Zero, c02 = T.Zero, c03 = T.Zero;
        T c10 = T.Zero, c11 = T.Zero, c12 = T.Zero, c13 = T.Zero;
        T c20 = T.Zero, c21 = T.Zero, c22 = T.Zero, c23 = T.Zero;
        T c30 = T.Zero, c31 = T.Zero, c32 = T.Zero, c33 = T.Zero;
        for (int p = 0; p < kc; p++)
        {
            T b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3];
            T x = a[0];
            c00 += x * b0; c01 += x * b1; c02 += x * b2; c03 += x * b3;
            x = a[1];
            c10 += x * b0; c11 += x * b1; c12 += x * b2; c13 += x * b3;
            x = a[2];
            c20 += x * b0; c21 += x * b1; c22 += x * b2; c23 += x * b3;
            x = a[3];
            c30 += x * b0; c31 += x * b1; c32 += x * b2; c33 += x * b3;
            a += 4;
            b += ldb;
        }

        StoreRow(c, c00, c01, c02, c03, alpha, beta, skipC);
        StoreRow(c + ldc, c10, c11, c12, c13, alpha, beta, skipC);
        StoreRow(c + (2 * ldc), c20, c21, c22, c23, alpha, beta, skipC);
        StoreRow(c + (3 * ldc), c30, c31, c32, c33, alpha, beta, skipC);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<T>(T* row, T x0, T x1, T x2, T x3, T alpha, T beta, bool skipC)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        if (skipC)
        {
            row[0] = alpha * x0; row[1] = alpha * x1; row[2] = alpha * x2; row[3] = alpha * x3;
        }
        else
        {
            row[0] = (alpha * x0) + (beta * row[0]); row[1] = (alpha * x1) + (beta * row[1]);
            row[2] = (alpha * x2) + (beta * row[2]); row[3] = (alpha * x3) + (beta * row[3]);
        }
    }
}
