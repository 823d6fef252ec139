using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GpuCompute.Cpu;

/// <summary>
/// Register-blocked GEMM micro-kernels: tile ← Σₚ a[p]·b[p]ᵀ over <c>kc</c> steps of a packed MR-wide A micro-panel
/// and a packed NR-wide B micro-panel. The MR × NR accumulators live in vector registers (hand-unrolled locals, so the
/// JIT allocates them to registers) and the finished tile is stored row-major (leading dimension NR) into
/// <c>tile</c>; α, β and edge clipping happen in the caller's write-back.
/// </summary>
/// <remarks>
/// Each step broadcasts one A element per row and issues one FMA per (row, B vector). Every product is computed, so a
/// NaN or infinity in A or B reaches the tile (no zero shortcuts). Callers check hardware support before calling.
/// </remarks>
internal static unsafe class CpuMicroKernels
{
    /// <summary>12 × 32 single-precision tile: 24 zmm accumulators, 2 B vectors and 1 broadcast of A (27 of 32 registers).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Single512(int kc, float* a, float* b, float* tile)
    {
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
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b);
            Vector512<float> b1 = Vector512.Load(b + 16);
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
            a += 12;
            b += 32;
        }

        c0_0.Store(tile + 0);
        c0_1.Store(tile + 16);
        c1_0.Store(tile + 32);
        c1_1.Store(tile + 48);
        c2_0.Store(tile + 64);
        c2_1.Store(tile + 80);
        c3_0.Store(tile + 96);
        c3_1.Store(tile + 112);
        c4_0.Store(tile + 128);
        c4_1.Store(tile + 144);
        c5_0.Store(tile + 160);
        c5_1.Store(tile + 176);
        c6_0.Store(tile + 192);
        c6_1.Store(tile + 208);
        c7_0.Store(tile + 224);
        c7_1.Store(tile + 240);
        c8_0.Store(tile + 256);
        c8_1.Store(tile + 272);
        c9_0.Store(tile + 288);
        c9_1.Store(tile + 304);
        c10_0.Store(tile + 320);
        c10_1.Store(tile + 336);
        c11_0.Store(tile + 352);
        c11_1.Store(tile + 368);
    }

    /// <summary>12 × 16 double-precision tile: 24 zmm accumulators, 2 B vectors and 1 broadcast of A (27 of 32 registers).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Double512(int kc, double* a, double* b, double* tile)
    {
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
        for (int p = 0; p < kc; p++)
        {
            Vector512<double> b0 = Vector512.Load(b);
            Vector512<double> b1 = Vector512.Load(b + 8);
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
            a += 12;
            b += 16;
        }

        c0_0.Store(tile + 0);
        c0_1.Store(tile + 8);
        c1_0.Store(tile + 16);
        c1_1.Store(tile + 24);
        c2_0.Store(tile + 32);
        c2_1.Store(tile + 40);
        c3_0.Store(tile + 48);
        c3_1.Store(tile + 56);
        c4_0.Store(tile + 64);
        c4_1.Store(tile + 72);
        c5_0.Store(tile + 80);
        c5_1.Store(tile + 88);
        c6_0.Store(tile + 96);
        c6_1.Store(tile + 104);
        c7_0.Store(tile + 112);
        c7_1.Store(tile + 120);
        c8_0.Store(tile + 128);
        c8_1.Store(tile + 136);
        c9_0.Store(tile + 144);
        c9_1.Store(tile + 152);
        c10_0.Store(tile + 160);
        c10_1.Store(tile + 168);
        c11_0.Store(tile + 176);
        c11_1.Store(tile + 184);
    }

    /// <summary>6 × 16 single-precision tile: 12 ymm accumulators, 2 B vectors and 1 broadcast (15 of the 16 AVX2 registers).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Single256(int kc, float* a, float* b, float* tile)
    {
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
            Vector256<float> x;
            x = Vector256.Create(a[0]); c0_0 = Fma.MultiplyAdd(x, b0, c0_0); c0_1 = Fma.MultiplyAdd(x, b1, c0_1);
            x = Vector256.Create(a[1]); c1_0 = Fma.MultiplyAdd(x, b0, c1_0); c1_1 = Fma.MultiplyAdd(x, b1, c1_1);
            x = Vector256.Create(a[2]); c2_0 = Fma.MultiplyAdd(x, b0, c2_0); c2_1 = Fma.MultiplyAdd(x, b1, c2_1);
            x = Vector256.Create(a[3]); c3_0 = Fma.MultiplyAdd(x, b0, c3_0); c3_1 = Fma.MultiplyAdd(x, b1, c3_1);
            x = Vector256.Create(a[4]); c4_0 = Fma.MultiplyAdd(x, b0, c4_0); c4_1 = Fma.MultiplyAdd(x, b1, c4_1);
            x = Vector256.Create(a[5]); c5_0 = Fma.MultiplyAdd(x, b0, c5_0); c5_1 = Fma.MultiplyAdd(x, b1, c5_1);
            a += 6;
            b += 16;
        }

        c0_0.Store(tile + 0);
        c0_1.Store(tile + 8);
        c1_0.Store(tile + 16);
        c1_1.Store(tile + 24);
        c2_0.Store(tile + 32);
        c2_1.Store(tile + 40);
        c3_0.Store(tile + 48);
        c3_1.Store(tile + 56);
        c4_0.Store(tile + 64);
        c4_1.Store(tile + 72);
        c5_0.Store(tile + 80);
        c5_1.Store(tile + 88);
    }

    /// <summary>6 × 8 double-precision tile: 12 ymm accumulators, 2 B vectors and 1 broadcast (15 of the 16 AVX2 registers).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Double256(int kc, double* a, double* b, double* tile)
    {
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
            Vector256<double> x;
            x = Vector256.Create(a[0]); c0_0 = Fma.MultiplyAdd(x, b0, c0_0); c0_1 = Fma.MultiplyAdd(x, b1, c0_1);
            x = Vector256.Create(a[1]); c1_0 = Fma.MultiplyAdd(x, b0, c1_0); c1_1 = Fma.MultiplyAdd(x, b1, c1_1);
            x = Vector256.Create(a[2]); c2_0 = Fma.MultiplyAdd(x, b0, c2_0); c2_1 = Fma.MultiplyAdd(x, b1, c2_1);
            x = Vector256.Create(a[3]); c3_0 = Fma.MultiplyAdd(x, b0, c3_0); c3_1 = Fma.MultiplyAdd(x, b1, c3_1);
            x = Vector256.Create(a[4]); c4_0 = Fma.MultiplyAdd(x, b0, c4_0); c4_1 = Fma.MultiplyAdd(x, b1, c4_1);
            x = Vector256.Create(a[5]); c5_0 = Fma.MultiplyAdd(x, b0, c5_0); c5_1 = Fma.MultiplyAdd(x, b1, c5_1);
            a += 6;
            b += 8;
        }

        c0_0.Store(tile + 0);
        c0_1.Store(tile + 4);
        c1_0.Store(tile + 8);
        c1_1.Store(tile + 12);
        c2_0.Store(tile + 16);
        c2_1.Store(tile + 20);
        c3_0.Store(tile + 24);
        c3_1.Store(tile + 28);
        c4_0.Store(tile + 32);
        c4_1.Store(tile + 36);
        c5_0.Store(tile + 40);
        c5_1.Store(tile + 44);
    }

    /// <summary>4 × 4 tile in plain scalar code: the portable fallback for either precision.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Scalar<T>(int kc, T* a, T* b, T* tile)
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
            b += 4;
        }

        tile[0] = c00; tile[1] = c01; tile[2] = c02; tile[3] = c03;
        tile[4] = c10; tile[5] = c11; tile[6] = c12; tile[7] = c13;
        tile[8] = c20; tile[9] = c21; tile[10] = c22; tile[11] = c23;
        tile[12] = c30; tile[13] = c31; tile[14] = c32; tile[15] = c33;
    }
}
