using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using GpuCompute.Matrices;

namespace GpuCompute.Backends.Cpu;

/// <summary>Packing of A and B into micro-panel order, and the α/β write-back of finished tiles.</summary>
internal static unsafe partial class CpuGemm
{
    /// <summary>
    /// Elements past the packed A block that <see cref="PackA{T}"/> may overwrite: its register-tile path stores whole
    /// 16-element vectors at a stride of MR = 14, so the last one of a micro-panel runs two elements into what follows
    /// (the next micro-panel, rewritten right after, or this slack).
    /// </summary>
    private const int PackASlack = 16;

    /// <summary>
    /// Packs rows [i0, i0 + mc) × depth [p0, p0 + kc) of op(A) into MR-row micro-panels: panel r holds, for each p, the
    /// MR elements op(A)(r·MR + 0..MR−1, p) next to each other; rows past the edge are zero. <paramref name="rowsOfA"/>
    /// is op(A)'s row count (how far the register-tile path may read).
    /// </summary>
    /// <remarks>
    /// Untransposed A is a transpose of each MR-row strip: on the 512-bit path with MR = 14, 16 × 16 (f32) or 8 × 8
    /// (f64) register tiles (<see cref="CpuTranspose"/>) read 16 source rows and write 16 steps, where the scalar
    /// scatter wrote one element at a time: packing A had been 8-9 % of a 2048³ f32 product on one thread
    /// (2026-12-01). The tiles read two rows past the strip (their lanes land only in slots rewritten next), so strips
    /// within 16 rows of A's end, and steps past the last whole tile, take the scalar scatter.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA<T>(T* dst, T* a, nint lda, Transpose opA, int i0, int mc, int p0, int kc, int mr, int rowsOfA, CpuKernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool tiles = opA == Transpose.None && path == CpuKernelPath.Vector512 && mr == 14 && CpuTranspose.HasSimd<T>();
        bool steps16 = opA == Transpose.Transposed && path == CpuKernelPath.Vector512 && mr == 14;
        int side = sizeof(T) == 4 ? 16 : 8;
        for (int r0 = 0; r0 < mc; r0 += mr)
        {
            int rows = Math.Min(mr, mc - r0);
            T* panel = dst + ((nint)r0 * kc);
            if (opA == Transpose.None)
            {
                // op(A)(i, p) = A[i, p]: each source row is contiguous in p.
                T* strip = a + ((i0 + r0) * lda) + p0;
                int p = 0;
                if (tiles && rows == mr && i0 + r0 + 16 <= rowsOfA)
                {
                    for (; p + side <= kc; p += side)
                    {
                        TransposeStrip(strip + p, lda, panel + ((nint)p * mr));
                    }
                }

                // The rest: scatter each row with stride MR.
                for (int r = 0; r < rows; r++)
                {
                    T* source = strip + (r * lda);
                    T* target = panel + r;
                    for (int q = p; q < kc; q++)
                    {
                        target[(nint)q * mr] = source[q];
                    }
                }
            }
            else if (steps16 && rows == mr && i0 + r0 + 16 <= rowsOfA)
            {
                // op(A)(i, p) = A[p, i]: the MR elements of one step are contiguous in A's row p. Each step is copied as
                // 16 elements whose last two land in the next step's first slots (rewritten next) or in the slack,
                // instead of a 14-element span copy (a library call) per step.
                T* source = a + (p0 * lda) + i0 + r0;
                for (int p = 0; p < kc; p++)
                {
                    Copy16(source + (p * lda), panel + ((nint)p * mr));
                }
            }
            else
            {
                for (int p = 0; p < kc; p++)
                {
                    new ReadOnlySpan<T>(a + ((p0 + p) * lda) + i0 + r0, rows).CopyTo(new Span<T>(panel + ((nint)p * mr), rows));
                }
            }

            if (rows < mr)
            {
                for (int p = 0; p < kc; p++)
                {
                    new Span<T>(panel + ((nint)p * mr) + rows, mr - rows).Clear();
                }
            }
        }
    }

    /// <summary>
    /// One register tile of a 14-row strip: 16 steps (f32) or 8 (f64) of 16 source rows, written as that many steps
    /// of 14 elements (each store 16 wide, its last two lanes overwritten by the next step's store).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransposeStrip<T>(T* source, nint lda, T* target)
        where T : unmanaged
    {
        if (sizeof(T) == 4)
        {
            CpuTranspose.Tile16((float*)source, lda, (float*)target, 14, streaming: false);
        }
        else
        {
            // Rows 8..15 first: their stores run two elements into the next step, which rows 0..7 then rewrite.
            CpuTranspose.Tile8((double*)source + (8 * lda), lda, (double*)target + 8, 14, streaming: false);
            CpuTranspose.Tile8((double*)source, lda, (double*)target, 14, streaming: false);
        }
    }

    /// <summary>One side × side register tile (16 floats or 8 doubles), rows <paramref name="ls"/> apart, transposed
    /// into rows <paramref name="ld"/> apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransposeTile<T>(T* source, nint ls, T* target, nint ld)
        where T : unmanaged
    {
        if (sizeof(T) == 4)
        {
            CpuTranspose.Tile16((float*)source, ls, (float*)target, ld, streaming: false);
        }
        else
        {
            CpuTranspose.Tile8((double*)source, ls, (double*)target, ld, streaming: false);
        }
    }

    /// <summary>Copies 16 elements (one 512-bit vector of floats, two of doubles).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Copy16<T>(T* source, T* target)
        where T : unmanaged
    {
        for (int v = 0; v < 16; v += Vector512<T>.Count)
        {
            Vector512.Load(source + v).Store(target + v);
        }
    }

    /// <summary>
    /// Packs depth [p0, p0 + kc) × columns [j0, j0 + nc) of op(B) into NR-column micro-panels: panel c holds, for each
    /// p, the NR elements op(B)(p, c·NR + 0..NR−1) next to each other; columns past the edge are zero.
    /// </summary>
    /// <remarks>
    /// Transposed B is a transpose of each NR-row block of B: on the 512-bit path whole micro-panels go through 16 × 16
    /// (f32) or 8 × 8 (f64) register tiles (<see cref="CpuTranspose"/>), NR / 16 or NR / 8 across, where the scalar
    /// scatter wrote one element at a time with stride NR; steps past the last whole tile, and the last partial panel,
    /// take the scatter. Untransposed B on the 512-bit path is copied row by row (see the comment inside), against panel
    /// by panel, alternating, four rounds (2026-12-01): 1024³ f32 0.97 → 0.99, 2048³ f32 0.98 → 1.01, 4096³ f32 0.99 →
    /// 1.01, 2048³ f64 1.13 → 1.16, 2000 × 2000 × 3000 f32 0.96 → 0.95 (inside the noise). (A row-by-row attempt with span
    /// copies, while the packing still ran as tier-0 code, had measured worse.)
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB<T>(T* dst, T* b, nint ldb, Transpose opB, int p0, int kc, int j0, int nc, int nr, CpuKernelPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int side = sizeof(T) == 4 ? 16 : 8;
        bool tiles = opB == Transpose.Transposed && path == CpuKernelPath.Vector512 && CpuTranspose.HasSimd<T>() && nr % side == 0;
        int start = 0;
        if (opB == Transpose.None && path == CpuKernelPath.Vector512 && nr == 2 * Vector512<T>.Count)
        {
            // Untransposed B, whole micro-panels: row by row, each row of the run read once from start to end and its NR
            // elements stored into every micro-panel with two vector copies. Panel by panel, KC rows a row apart were
            // read 128 bytes at a time, a new page each (stopwatches: 2.0-2.8 ms of a 60 ms 2000 × 2000 × 3000 f32
            // product packing B, against 1.3-1.5 ms row by row).
            int whole = nc / nr * nr;
            for (int p = 0; p < kc; p++)
            {
                T* row = b + ((p0 + p) * ldb) + j0;
                T* target = dst + ((nint)p * nr);
                for (int c0 = 0; c0 < whole; c0 += nr)
                {
                    T* source = row + c0, to = target + ((nint)c0 * kc);
                    Vector512.Load(source).Store(to);
                    Vector512.Load(source + Vector512<T>.Count).Store(to + Vector512<T>.Count);
                }
            }

            start = whole;
        }

        for (int c0 = start; c0 < nc; c0 += nr)
        {
            int cols = Math.Min(nr, nc - c0);
            T* panel = dst + ((nint)c0 * kc);
            if (opB == Transpose.None)
            {
                // op(B)(p, j) = B[p, j]: one step's NR elements are contiguous in B's row p.
                for (int p = 0; p < kc; p++)
                {
                    T* row = b + ((p0 + p) * ldb) + j0 + c0;
                    new ReadOnlySpan<T>(row, cols).CopyTo(new Span<T>(panel + ((nint)p * nr), cols));
                }
            }
            else
            {
                // op(B)(p, j) = B[j, p]: each source row is contiguous in p.
                T* block = b + ((j0 + c0) * ldb) + p0;
                int p = 0;
                if (tiles && cols == nr)
                {
                    for (; p + side <= kc; p += side)
                    {
                        for (int h = 0; h < nr; h += side)
                        {
                            TransposeTile(block + (h * ldb) + p, ldb, panel + ((nint)p * nr) + h, nr);
                        }
                    }
                }

                // The rest: scatter each source row with stride NR.
                for (int col = 0; col < cols; col++)
                {
                    T* source = block + (col * ldb);
                    T* target = panel + col;
                    for (int q = p; q < kc; q++)
                    {
                        target[(nint)q * nr] = source[q];
                    }
                }
            }

            if (cols < nr)
            {
                for (int p = 0; p < kc; p++)
                {
                    new Span<T>(panel + ((nint)p * nr) + cols, nr - cols).Clear();
                }
            }
        }
    }

    /// <summary>
    /// C[0..rows, 0..cols] ← α·tile + β·C, or α·tile without reading C when <paramref name="skipC"/> (β = 0 on the
    /// first depth slice). The tile is row-major with leading dimension <paramref name="ldt"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteBack<T>(
        CpuKernelPath path, T* tile, nint ldt, T* c, nint ldc, int rows, int cols, T alpha, T beta, bool skipC)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < rows; r++)
        {
            T* source = tile + (r * ldt);
            T* target = c + (r * ldc);
            int j = 0;
            if (path == CpuKernelPath.Vector512)
            {
                for (; j <= cols - Vector512<T>.Count; j += Vector512<T>.Count)
                {
                    Vector512<T> value = Vector512.Load(source + j) * alpha;
                    if (!skipC)
                    {
                        value += Vector512.Load(target + j) * beta;
                    }

                    value.Store(target + j);
                }
            }
            else if (path == CpuKernelPath.Vector256)
            {
                for (; j <= cols - Vector256<T>.Count; j += Vector256<T>.Count)
                {
                    Vector256<T> value = Vector256.Load(source + j) * alpha;
                    if (!skipC)
                    {
                        value += Vector256.Load(target + j) * beta;
                    }

                    value.Store(target + j);
                }
            }

            for (; j < cols; j++)
            {
                target[j] = skipC ? alpha * source[j] : (alpha * source[j]) + (beta * target[j]);
            }
        }
    }
}
