using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GpuCompute.Backends.Cpu;

/// <summary>
/// Out-of-place transpose of a row-major block on the CPU: destination[j, i] ← source[i, j] for i &lt; rows, j &lt;
/// columns (each side with its own offset and row stride, in elements).
/// </summary>
/// <remarks>
/// With AVX-512 and 4- or 8-byte elements the block is cut into 16 × 16 (4-byte) or 8 × 8 (8-byte) register tiles:
/// one 64-byte load per source row, an in-register transpose (two unpack stages, then two 128-bit-lane shuffle
/// stages), one 64-byte store per destination row, so every cache line of either side is read or written whole, once,
/// and no column of a power-of-two stride is walked (which would keep evicting one cache set). Tiles run in macro
/// tiles in parallel (each writes its own block of the destination); the ragged right and bottom edges are copied
/// element by element. Otherwise a portable blocked copy through a small buffer is used.
/// </remarks>
internal static unsafe class CpuTranspose
{
    /// <summary>Side of the portable path's square cache blocks.</summary>
    private const int Block = 32;

    /// <summary>Side of the SIMD path's parallel work items (macro tiles), in register tiles: 256 × 256 elements of
    /// 4 bytes, 128 × 128 of 8, so the rows one macro tile touches on either side (each its own page when the stride
    /// is large) stay within the TLB while every row gets a kilobyte of contiguous reads or writes.</summary>
    private const int MacroTiles = 16;

    /// <summary>Destinations from this size up use streaming stores: smaller ones fit in the caches, where a later
    /// reader finds them (streaming stores would send them to memory).</summary>
    private const long StreamingMinBytes = 8L << 20;

    /// <summary>Whether the register-tile path runs for <typeparamref name="T"/> on this machine.</summary>
    public static bool HasSimd<T>()
        where T : unmanaged => Avx512F.IsSupported && Vector512.IsHardwareAccelerated && (sizeof(T) == 4 || sizeof(T) == 8);

    /// <summary>Transposes the block, with the register-tile path when <paramref name="simd"/> and
    /// <see cref="HasSimd{T}"/>.</summary>
    public static void Run<T>(T[] source, long sourceOffset, long sourceStride, T[] destination, long destinationOffset, long destinationStride, long rows, long columns, int threads, bool simd = true)
        where T : unmanaged
    {
        if (rows == 0 || columns == 0)
        {
            return;
        }

        if (simd && HasSimd<T>())
        {
            fixed (T* d = destination)
            {
                // Streaming stores write whole destination lines without reading them first (a third of the traffic)
                // and keep the destination from evicting the source, but need 64-byte aligned rows: when the rows are
                // a whole number of lines apart, the first `shift` source rows go element by element and the tiles
                // start where the destination is aligned.
                int shift = 0;
                bool streaming = (destinationStride * sizeof(T)) % 64 == 0 && rows * columns * sizeof(T) >= StreamingMinBytes;
                if (streaming)
                {
                    long misalignment = (long)(nuint)(d + destinationOffset) % 64;
                    shift = (int)Math.Min(rows, (64 - misalignment) % 64 / sizeof(T));
                    streaming = misalignment % sizeof(T) == 0;
                }

                if (shift > 0)
                {
                    fixed (T* sp = source)
                    {
                        Scalar(sp + sourceOffset, sourceStride, d + destinationOffset, destinationStride, 0, shift, 0, columns);
                    }
                }

                Simd(source, sourceOffset + (shift * sourceStride), sourceStride, destination, destinationOffset + shift, destinationStride, rows - shift, columns, threads, streaming);
            }

            return;
        }

        Portable(source, sourceOffset, sourceStride, destination, destinationOffset, destinationStride, rows, columns, threads);
    }

    /// <summary>The register-tile path over macro tiles in parallel, the ragged edges element by element.</summary>
    private static void Simd<T>(T[] source, long sourceOffset, long sourceStride, T[] destination, long destinationOffset, long destinationStride, long rows, long columns, int threads, bool streaming)
        where T : unmanaged
    {
        if (rows == 0)
        {
            return;
        }

        int side = sizeof(T) == 4 ? 16 : 8;
        long macro = (long)side * MacroTiles;
        long down = (rows + macro - 1) / macro, across = (columns + macro - 1) / macro;
        Parallel.For(0, down * across, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            long top = t / across * macro, bottom = Math.Min(rows, top + macro);
            long left = t % across * macro, right = Math.Min(columns, left + macro);
            fixed (T* s = source, d = destination)
            {
                if (sizeof(T) == 4)
                {
                    Tiles16((float*)(s + sourceOffset), sourceStride, (float*)(d + destinationOffset), destinationStride, top, bottom, left, right, streaming);
                }
                else
                {
                    Tiles8((double*)(s + sourceOffset), sourceStride, (double*)(d + destinationOffset), destinationStride, top, bottom, left, right, streaming);
                }

                Edges(s + sourceOffset, sourceStride, d + destinationOffset, destinationStride, top, bottom, left, right, side);
                if (streaming)
                {
                    Sse.StoreFence(); // streaming stores are weakly ordered: visible before the loop's join
                }
            }
        });
    }

    /// <summary>Rows [top, bottom) × columns [left, right) of 4-byte elements: whole 16 × 16 tiles.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tiles16(float* s, long ls, float* d, long ld, long top, long bottom, long left, long right, bool streaming)
    {
        for (long i = top; i + 16 <= bottom; i += 16)
        {
            for (long j = left; j + 16 <= right; j += 16)
            {
                Tile16(s + (i * ls) + j, (nint)ls, d + (j * ld) + i, (nint)ld, streaming);
            }
        }
    }

    /// <summary>Rows [top, bottom) × columns [left, right) of 8-byte elements: whole 8 × 8 tiles.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tiles8(double* s, long ls, double* d, long ld, long top, long bottom, long left, long right, bool streaming)
    {
        for (long i = top; i + 8 <= bottom; i += 8)
        {
            for (long j = left; j + 8 <= right; j += 8)
            {
                Tile8(s + (i * ls) + j, (nint)ls, d + (j * ld) + i, (nint)ld, streaming);
            }
        }
    }

    /// <summary>What the whole tiles of a macro tile leave (only macro tiles on the bottom or right edge have any): the
    /// columns right of the last whole tile, and the rows below it, element by element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Edges<T>(T* s, long ls, T* d, long ld, long top, long bottom, long left, long right, int side)
        where T : unmanaged
    {
        long tiledRows = top + ((bottom - top) / side * side), tiledColumns = left + ((right - left) / side * side);
        Scalar(s, ls, d, ld, top, tiledRows, tiledColumns, right);
        Scalar(s, ls, d, ld, tiledRows, bottom, left, right);
    }

    /// <summary>Rows [top, bottom) × columns [left, right), element by element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Scalar<T>(T* s, long ls, T* d, long ld, long top, long bottom, long left, long right)
        where T : unmanaged
    {
        for (long j = left; j < right; j++)
        {
            for (long i = top; i < bottom; i++)
            {
                d[(j * ld) + i] = s[(i * ls) + j];
            }
        }
    }

    /// <summary>Swaps 128-bit lanes of four vectors as a 4 × 4 transpose: out_L = (x0.L, x1.L, x2.L, x3.L).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Lanes(ref Vector512<float> x0, ref Vector512<float> x1, ref Vector512<float> x2, ref Vector512<float> x3)
    {
        Vector512<float> s0 = Avx512F.Shuffle4x128(x0, x1, 0x44), s1 = Avx512F.Shuffle4x128(x0, x1, 0xEE);
        Vector512<float> s2 = Avx512F.Shuffle4x128(x2, x3, 0x44), s3 = Avx512F.Shuffle4x128(x2, x3, 0xEE);
        x0 = Avx512F.Shuffle4x128(s0, s2, 0x88);
        x1 = Avx512F.Shuffle4x128(s0, s2, 0xDD);
        x2 = Avx512F.Shuffle4x128(s1, s3, 0x88);
        x3 = Avx512F.Shuffle4x128(s1, s3, 0xDD);
    }

    /// <summary>One 16 × 16 tile of 4-byte elements. After unpacking pairs of rows (32-bit, then 64-bit), lane L of
    /// u[4g + q] holds rows 4g..4g+3 of column 4L + q; the lane transpose of u[q], u[4 + q], u[8 + q], u[12 + q] then
    /// gives destination rows q, 4 + q, 8 + q, 12 + q.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Tile16(float* s, nint ls, float* d, nint ld, bool streaming)
    {
        Vector512<float> r0 = Vector512.Load(s), r1 = Vector512.Load(s + ls), r2 = Vector512.Load(s + (2 * ls)), r3 = Vector512.Load(s + (3 * ls));
        s += 4 * ls;
        Vector512<float> r4 = Vector512.Load(s), r5 = Vector512.Load(s + ls), r6 = Vector512.Load(s + (2 * ls)), r7 = Vector512.Load(s + (3 * ls));
        s += 4 * ls;
        Vector512<float> r8 = Vector512.Load(s), r9 = Vector512.Load(s + ls), r10 = Vector512.Load(s + (2 * ls)), r11 = Vector512.Load(s + (3 * ls));
        s += 4 * ls;
        Vector512<float> r12 = Vector512.Load(s), r13 = Vector512.Load(s + ls), r14 = Vector512.Load(s + (2 * ls)), r15 = Vector512.Load(s + (3 * ls));

        Vector512<float> t0 = Avx512F.UnpackLow(r0, r1), t1 = Avx512F.UnpackHigh(r0, r1), t2 = Avx512F.UnpackLow(r2, r3), t3 = Avx512F.UnpackHigh(r2, r3);
        Vector512<float> t4 = Avx512F.UnpackLow(r4, r5), t5 = Avx512F.UnpackHigh(r4, r5), t6 = Avx512F.UnpackLow(r6, r7), t7 = Avx512F.UnpackHigh(r6, r7);
        Vector512<float> t8 = Avx512F.UnpackLow(r8, r9), t9 = Avx512F.UnpackHigh(r8, r9), t10 = Avx512F.UnpackLow(r10, r11), t11 = Avx512F.UnpackHigh(r10, r11);
        Vector512<float> t12 = Avx512F.UnpackLow(r12, r13), t13 = Avx512F.UnpackHigh(r12, r13), t14 = Avx512F.UnpackLow(r14, r15), t15 = Avx512F.UnpackHigh(r14, r15);

        Vector512<float> u0 = Low(t0, t2), u1 = High(t0, t2), u2 = Low(t1, t3), u3 = High(t1, t3);
        Vector512<float> u4 = Low(t4, t6), u5 = High(t4, t6), u6 = Low(t5, t7), u7 = High(t5, t7);
        Vector512<float> u8 = Low(t8, t10), u9 = High(t8, t10), u10 = Low(t9, t11), u11 = High(t9, t11);
        Vector512<float> u12 = Low(t12, t14), u13 = High(t12, t14), u14 = Low(t13, t15), u15 = High(t13, t15);

        Lanes(ref u0, ref u4, ref u8, ref u12);
        Lanes(ref u1, ref u5, ref u9, ref u13);
        Lanes(ref u2, ref u6, ref u10, ref u14);
        Lanes(ref u3, ref u7, ref u11, ref u15);

        // Destination row 4L + q is u[4L + q] after the lane transposes (u[q + 4g] became lane-row L = g).
        if (streaming)
        {
            Avx512F.StoreAlignedNonTemporal(d, u0); Avx512F.StoreAlignedNonTemporal(d + ld, u1); Avx512F.StoreAlignedNonTemporal(d + (2 * ld), u2); Avx512F.StoreAlignedNonTemporal(d + (3 * ld), u3);
            d += 4 * ld;
            Avx512F.StoreAlignedNonTemporal(d, u4); Avx512F.StoreAlignedNonTemporal(d + ld, u5); Avx512F.StoreAlignedNonTemporal(d + (2 * ld), u6); Avx512F.StoreAlignedNonTemporal(d + (3 * ld), u7);
            d += 4 * ld;
            Avx512F.StoreAlignedNonTemporal(d, u8); Avx512F.StoreAlignedNonTemporal(d + ld, u9); Avx512F.StoreAlignedNonTemporal(d + (2 * ld), u10); Avx512F.StoreAlignedNonTemporal(d + (3 * ld), u11);
            d += 4 * ld;
            Avx512F.StoreAlignedNonTemporal(d, u12); Avx512F.StoreAlignedNonTemporal(d + ld, u13); Avx512F.StoreAlignedNonTemporal(d + (2 * ld), u14); Avx512F.StoreAlignedNonTemporal(d + (3 * ld), u15);
            return;
        }

        u0.Store(d); u1.Store(d + ld); u2.Store(d + (2 * ld)); u3.Store(d + (3 * ld));
        d += 4 * ld;
        u4.Store(d); u5.Store(d + ld); u6.Store(d + (2 * ld)); u7.Store(d + (3 * ld));
        d += 4 * ld;
        u8.Store(d); u9.Store(d + ld); u10.Store(d + (2 * ld)); u11.Store(d + (3 * ld));
        d += 4 * ld;
        u12.Store(d); u13.Store(d + ld); u14.Store(d + (2 * ld)); u15.Store(d + (3 * ld));

        static Vector512<float> Low(Vector512<float> x, Vector512<float> y) => Avx512F.UnpackLow(x.AsDouble(), y.AsDouble()).AsSingle();
        static Vector512<float> High(Vector512<float> x, Vector512<float> y) => Avx512F.UnpackHigh(x.AsDouble(), y.AsDouble()).AsSingle();
    }

    /// <summary>One 8 × 8 tile of 8-byte elements: after unpacking pairs of rows, lane L of t[2g + q] holds rows 2g,
    /// 2g + 1 of column 2L + q; the lane transpose of t[q], t[2 + q], t[4 + q], t[6 + q] gives destination rows q,
    /// 2 + q, 4 + q, 6 + q.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Tile8(double* s, nint ls, double* d, nint ld, bool streaming)
    {
        Vector512<double> r0 = Vector512.Load(s), r1 = Vector512.Load(s + ls), r2 = Vector512.Load(s + (2 * ls)), r3 = Vector512.Load(s + (3 * ls));
        s += 4 * ls;
        Vector512<double> r4 = Vector512.Load(s), r5 = Vector512.Load(s + ls), r6 = Vector512.Load(s + (2 * ls)), r7 = Vector512.Load(s + (3 * ls));

        Vector512<float> t0 = Avx512F.UnpackLow(r0, r1).AsSingle(), t1 = Avx512F.UnpackHigh(r0, r1).AsSingle();
        Vector512<float> t2 = Avx512F.UnpackLow(r2, r3).AsSingle(), t3 = Avx512F.UnpackHigh(r2, r3).AsSingle();
        Vector512<float> t4 = Avx512F.UnpackLow(r4, r5).AsSingle(), t5 = Avx512F.UnpackHigh(r4, r5).AsSingle();
        Vector512<float> t6 = Avx512F.UnpackLow(r6, r7).AsSingle(), t7 = Avx512F.UnpackHigh(r6, r7).AsSingle();

        Lanes(ref t0, ref t2, ref t4, ref t6);
        Lanes(ref t1, ref t3, ref t5, ref t7);

        // Destination row 2L + q is t[2L + q] after the lane transposes.
        if (streaming)
        {
            Avx512F.StoreAlignedNonTemporal(d, t0.AsDouble()); Avx512F.StoreAlignedNonTemporal(d + ld, t1.AsDouble()); Avx512F.StoreAlignedNonTemporal(d + (2 * ld), t2.AsDouble()); Avx512F.StoreAlignedNonTemporal(d + (3 * ld), t3.AsDouble());
            d += 4 * ld;
            Avx512F.StoreAlignedNonTemporal(d, t4.AsDouble()); Avx512F.StoreAlignedNonTemporal(d + ld, t5.AsDouble()); Avx512F.StoreAlignedNonTemporal(d + (2 * ld), t6.AsDouble()); Avx512F.StoreAlignedNonTemporal(d + (3 * ld), t7.AsDouble());
            return;
        }

        t0.AsDouble().Store(d); t1.AsDouble().Store(d + ld); t2.AsDouble().Store(d + (2 * ld)); t3.AsDouble().Store(d + (3 * ld));
        d += 4 * ld;
        t4.AsDouble().Store(d); t5.AsDouble().Store(d + ld); t6.AsDouble().Store(d + (2 * ld)); t7.AsDouble().Store(d + (3 * ld));
    }

    /// <summary>The portable path: 128 × 128 macro tiles in parallel, each done as 32 × 32 blocks copied row by row into
    /// a small buffer and written out row by row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Portable<T>(T[] source, long sourceOffset, long sourceStride, T[] destination, long destinationOffset, long destinationStride, long rows, long columns, int threads)
        where T : unmanaged
    {
        const int macro = 4 * Block;
        long tilesDown = (rows + macro - 1) / macro, tilesAcross = (columns + macro - 1) / macro;
        Parallel.For(0, tilesDown * tilesAcross, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            Span<T> tile = stackalloc T[Block * Block];
            long top = t / tilesAcross * macro, left = t % tilesAcross * macro;
            long bottom = Math.Min(rows, top + macro), right = Math.Min(columns, left + macro);
            for (long j0 = left; j0 < right; j0 += Block)
            {
                int width = (int)Math.Min(Block, right - j0);
                for (long i0 = top; i0 < bottom; i0 += Block)
                {
                    int height = (int)Math.Min(Block, bottom - i0);
                    for (int r = 0; r < height; r++)
                    {
                        source.AsSpan((int)(sourceOffset + ((i0 + r) * sourceStride) + j0), width).CopyTo(tile.Slice(r * Block));
                    }

                    for (int c = 0; c < width; c++)
                    {
                        Span<T> to = destination.AsSpan((int)(destinationOffset + ((j0 + c) * destinationStride) + i0), height);
                        for (int r = 0; r < to.Length; r++)
                        {
                            to[r] = tile[(r * Block) + c];
                        }
                    }
                }
            }
        });
    }
}
