using System.Numerics;
using System.Runtime.CompilerServices;
using GpuCompute.Matrices;

namespace GpuCompute.Backends.Cpu;

/// <summary>
/// GEMM on the host CPU, after the BLIS design: B is packed into KC × NC panels, A into MC × KC blocks (both in
/// micro-panel order, zero-padded to whole tiles), and a register-blocked MR × NR micro-kernel (see
/// <see cref="CpuMicroKernels"/>) accumulates each tile in vector registers. Block sizes and the kernel path come from
/// one <see cref="CpuGemmConfig"/>.
/// </summary>
/// <remarks>
/// Loop order per thread: jc (NC columns) → pc (KC depth, pack B) → ic (MC rows, pack A) → ir (MR) → jr (NR) → kernel;
/// when a thread's rows fit in one MC block, untransposed B is not packed at all but read where it lies, its
/// micro-panels outside the strips of A (<c>MultiplyUnpackedB</c>), and transposed B is packed a few micro-panels at a
/// time. Threads split C into a grid of row and column ranges shaped so that each part is as square as possible. When
/// the split is by rows only, the threads form a team (<see cref="CpuWorkers"/>) that packs each KC × NC panel of B
/// once, together, meets at a barrier, and then multiplies strips of C's rows, taken one at a time, against the shared
/// panel (BLIS's parallel ic loop): one copy of B in the shared cache instead of one per thread. Otherwise (a column
/// split, or the team busy with another call) each thread runs the loops on its part independently, packing what it
/// reads.
/// The driver and packing methods are compiled fully optimised on first use ([AggressiveOptimization], as the
/// micro-kernels are): under tiered compilation a product's first calls ran their loops as tier-0/OSR code and then
/// shared the two cores with the background recompilation. At 2048³ f32 on two threads, five runs after one warm-up,
/// against OpenBLAS, three alternating rounds: 0.84 → 0.98 (2026-12-01).
/// α and β are applied when a tile is written back: the first KC slice writes α·AB + β·C (or α·AB when β = 0, which never
/// reads C) and later slices add α·AB. Every product is computed, so NaN and infinities in A or B propagate as in BLAS.
/// </remarks>
internal static unsafe partial class CpuGemm
{
    /// <summary>
    /// C ← α·op(A)·op(B) + β·C on up to <paramref name="maxThreads"/> threads. Shapes are trusted (validated by the
    /// caller): op(A) is C.Rows × K and op(B) is K × C.Cols. BLAS semantics: β = 0 never reads C, and α = 0 (or K = 0)
    /// never reads A or B (C ← β·C). Blocks until done; <paramref name="cancellation"/> is checked before every MC × KC
    /// block of A that each thread packs (2·MC·KC·NC flops apart), and a cancelled product throws <see cref="OperationCanceledException"/> with C
    /// partly written.
    /// </summary>
    public static void Multiply<T>(
        T alpha, HostMatrix<T> a, Transpose opA, HostMatrix<T> b, Transpose opB, T beta, HostMatrix<T> c, int maxThreads,
        CancellationToken cancellation = default)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Multiply(alpha, a, opA, b, opB, beta, c, maxThreads, CpuGemmConfig.Default, cancellation);

    /// <summary>As <see cref="Multiply{T}(T, HostMatrix{T}, Transpose, HostMatrix{T}, Transpose, T, HostMatrix{T}, int, CancellationToken)"/>
    /// with an explicit configuration (tests force kernel paths and small blocks with it).</summary>
    internal static void Multiply<T>(
        T alpha,
        HostMatrix<T> a,
        Transpose opA,
        HostMatrix<T> b,
        Transpose opB,
        T beta,
        HostMatrix<T> c,
        int maxThreads,
        CpuGemmConfig config,
        CancellationToken cancellation = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = c.Rows, n = c.Cols, k = opA == Transpose.None ? a.Cols : a.Rows;
        if (m == 0 || n == 0)
        {
            return;
        }

        var args = new GemmArgs<T>(alpha, a, opA, b, opB, beta, c, k, config, cancellation);

        // α = 0: the product term is absent, so A and B are not read (NaN in them does not reach C), as in BLAS.
        if (k == 0 || T.IsZero(alpha))
        {
            ScaleC(args);
            return;
        }

        long volume = (long)m * n * k;
        if (volume <= config.DirectMaxVolume || (config.DirectForVectorShapes && (m == 1 || n == 1)))
        {
            Direct(args);
            return;
        }

        CpuGemmBlocking blocking = config.For<T>();
        long wanted = Math.Max(1, volume / Math.Max(1, config.MinVolumePerThread));
        int threads = Partition(m, n, blocking, (int)Math.Min(Math.Max(1, maxThreads), wanted), out int rowParts, out int colParts);
        if (threads == 1)
        {
            RunPart(args, 0, m, 0, n);
            cancellation.ThrowIfCancellationRequested();
            return;
        }

        if (colParts == 1 && threads <= CpuWorkers.MaxMembers && (long)n * k * sizeof(T) >= config.SharedPackingMinBytes && RunTeam(args, threads))
        {
            cancellation.ThrowIfCancellationRequested();
            return;
        }

        int rowTilesPerPart = CeilDiv(CeilDiv(m, blocking.Mr), rowParts) * blocking.Mr;
        int colTilesPerPart = CeilDiv(CeilDiv(n, blocking.Nr), colParts) * blocking.Nr;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, part =>
        {
            int i0 = Math.Min(m, part / colParts * rowTilesPerPart);
            int j0 = Math.Min(n, part % colParts * colTilesPerPart);
            int i1 = Math.Min(m, i0 + rowTilesPerPart);
            int j1 = Math.Min(n, j0 + colTilesPerPart);
            if (i1 > i0 && j1 > j0)
            {
                RunPart(args, i0, i1, j0, j1);
            }
        });
        cancellation.ThrowIfCancellationRequested();
    }

    /// <summary>
    /// Chooses how many threads to use (at most <paramref name="threads"/>) and a rows × columns grid of that many parts
    /// whose parts are closest to square, with at least one micro-tile per part in each direction.
    /// </summary>
    internal static int Partition(int m, int n, CpuGemmBlocking blocking, int threads, out int rowParts, out int colParts)
    {
        int rowTiles = CeilDiv(m, blocking.Mr), colTiles = CeilDiv(n, blocking.Nr);
        for (int t = Math.Max(1, threads); t > 1; t--)
        {
            double best = double.MaxValue;
            rowParts = colParts = 0;
            for (int r = 1; r <= t; r++)
            {
                int cp = t / r;
                if (r * cp != t || r > rowTiles || cp > colTiles)
                {
                    continue;
                }

                // Ties go to the larger row count: a row split duplicates only the packing of B (a contiguous copy),
                // a column split duplicates the packing of A (a transposing scatter).
                double score = Math.Abs(Math.Log(((double)m / r) / ((double)n / cp)));
                if (score <= best)
                {
                    best = score;
                    rowParts = r;
                    colParts = cp;
                }
            }

            if (rowParts > 0)
            {
                return t;
            }
        }

        rowParts = colParts = 1;
        return 1;
    }

    private static int CeilDiv(int x, int y) => (x + y - 1) / y;

    private static int RoundUp(int x, int multiple) => CeilDiv(x, multiple) * multiple;

    /// <summary>The BLIS loops over C rows [i0, i1) and columns [j0, j1) on the calling thread.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunPart<T>(in GemmArgs<T> args, int i0, int i1, int j0, int j1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CpuGemmConfig config = args.Config;
        CpuKernelPath path = config.Path;
        CpuGemmBlocking blocking = config.For<T>();
        int mr = blocking.Mr, nr = blocking.Nr, k = args.K;
        int kcMax = Math.Min(blocking.Kc, k);
        int mcMax = Math.Min(blocking.Mc, RoundUp(i1 - i0, mr));
        int ncMax = Math.Min(blocking.Nc, RoundUp(j1 - j0, nr));

        // Each region starts on a 64-byte boundary (16 floats / 8 doubles; 16 elements covers both).
        // With a single MC block a packed B panel would be read only once (short, wide C), so it is not worth a copy
        // through memory: untransposed B is read where it lies (see MultiplyUnpackedB), and transposed B is packed in
        // chunks of a few micro-panels just before their use, so it stays in L2 (eight micro-panels: KC × 8·NR, 512 KiB
        // at KC = 512).
        bool packBInChunks = i1 - i0 <= blocking.Mc;
        int chunkColumns = packBInChunks ? Math.Min(ncMax, 8 * nr) : ncMax;
        int aElements = RoundUp(mcMax * kcMax, 16) + PackASlack, bElements = RoundUp(kcMax * chunkColumns, 16);
        CpuPackBuffer buffer = CpuPackBuffer.Rent((nuint)(aElements + bElements + (mr * nr)) * (nuint)sizeof(T));
        try
        {
            HostMatrix<T> a = args.A, b = args.B, c = args.C;
            fixed (T* aData = a.Data, bData = b.Data, cData = c.Data)
            {
                T* aPack = (T*)buffer.Pointer;
                T* bPack = aPack + aElements;
                T* tile = bPack + bElements;
                T* aBase = aData + a.Offset, bBase = bData + b.Offset, cBase = cData + c.Offset;
                nint lda = a.LeadingDimension, ldb = b.LeadingDimension, ldc = c.LeadingDimension;
                T alpha = args.Alpha, one = T.One;
                bool betaZero = T.IsZero(args.Beta);

                for (int jc = j0; jc < j1; jc += blocking.Nc)
                {
                    int nc = Math.Min(blocking.Nc, j1 - jc);
                    for (int pc = 0; pc < k; pc += blocking.Kc)
                    {
                        int kc = Math.Min(blocking.Kc, k - pc);
                        if (!packBInChunks)
                        {
                            PackB(bPack, bBase, ldb, args.OpB, pc, kc, jc, nc, nr, path);
                        }

                        bool first = pc == 0;
                        T beta = first ? args.Beta : one;
                        bool skipC = first && betaZero;
                        for (int ic = i0; ic < i1; ic += blocking.Mc)
                        {
                            // A cancelled product stops here, before the next MC × KC block (a few ms of work at
                            // most); the caller throws once every thread is out.
                            if (args.Cancellation.IsCancellationRequested)
                            {
                                return;
                            }

                            int mc = Math.Min(blocking.Mc, i1 - ic);
                            PackA(aPack, aBase, lda, args.OpA, ic, mc, pc, kc, mr, args.C.Rows, config.Path);
                            if (!packBInChunks)
                            {
                                MultiplyPacked(path, blocking, kc, mc, nc, aPack, bPack, cBase + jc + (ic * ldc), ldc, alpha, beta, skipC, tile);
                                continue;
                            }

                            if (args.OpB == Transpose.None)
                            {
                                int whole = nc / nr * nr;
                                MultiplyUnpackedB(path, blocking, kc, mc, whole, aPack, bBase + (pc * ldb) + jc, ldb, cBase + jc + (ic * ldc), ldc, alpha, beta, skipC, tile);
                                if (whole < nc)
                                {
                                    PackB(bPack, bBase, ldb, args.OpB, pc, kc, jc + whole, nc - whole, nr, path);
                                    MultiplyPacked(path, blocking, kc, mc, nc - whole, aPack, bPack, cBase + jc + whole + (ic * ldc), ldc, alpha, beta, skipC, tile);
                                }

                                continue;
                            }

                            // B packed a few micro-panels at a time, just before their use.
                            for (int jr = 0; jr < nc; jr += chunkColumns)
                            {
                                int chunk = Math.Min(chunkColumns, nc - jr);
                                PackB(bPack, bBase, ldb, args.OpB, pc, kc, jc + jr, chunk, nr, path);
                                MultiplyPacked(path, blocking, kc, mc, chunk, aPack, bPack, cBase + jc + jr + (ic * ldc), ldc, alpha, beta, skipC, tile);
                            }
                        }
                    }
                }
            }
        }
        finally
        {
            buffer.Return();
        }
    }

    /// <summary>
    /// Runs the BLIS loops on a thread team: members pack each KC × NC panel of B together into one shared buffer (each
    /// a run of micro-panels), meet at a barrier, multiply MR-row strips of C taken from a shared counter against it,
    /// and meet again before the next panel overwrites it. Cancellation is observed consistently: the barrier's
    /// post-phase action samples the token once for everyone, so no member leaves while another waits for it. Returns
    /// false, having done nothing, when the team is busy.
    /// </summary>
    private static bool RunTeam<T>(GemmArgs<T> args, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CpuGemmBlocking blocking = args.Config.For<T>();
        int m = args.C.Rows, n = args.C.Cols, k = args.K, nr = blocking.Nr;
        int kcMax = Math.Min(blocking.Kc, k), ncMax = Math.Min(blocking.Nc, RoundUp(n, nr));
        CpuPackBuffer shared = CpuPackBuffer.Rent((nuint)RoundUp(kcMax * ncMax, 16) * (nuint)sizeof(T));
        var stop = new StrongBox<bool>();
        var next = new StrongBox<int>();
        using var barrier = new Barrier(threads, _ =>
        {
            stop.Value = stop.Value || args.Cancellation.IsCancellationRequested;
            next.Value = 0; // every phase starts the strips of C over
        });
        try
        {
            return CpuWorkers.Shared.TryRun(threads, member =>
            {
                try
                {
                    TeamMember(args, member, threads, (T*)shared.Pointer, barrier, stop, next);
                }
                catch
                {
                    barrier.RemoveParticipant(); // the others must not wait for a member that has failed
                    throw;
                }
            });
        }
        finally
        {
            shared.Return();
        }
    }

    /// <summary>One member of <see cref="RunTeam{T}"/>: packs its run of each shared B panel, then multiplies the MR-row
    /// strips of C it takes from <paramref name="next"/> against the whole panel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TeamMember<T>(
        in GemmArgs<T> args, int member, int members, T* bPack, Barrier barrier, StrongBox<bool> stop, StrongBox<int> next)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CpuGemmConfig config = args.Config;
        CpuGemmBlocking blocking = config.For<T>();
        int mr = blocking.Mr, nr = blocking.Nr, k = args.K, n = args.C.Cols;
        int kcMax = Math.Min(blocking.Kc, k);
        int m = args.C.Rows, strips = CeilDiv(m, mr);
        int aElements = RoundUp(mr * kcMax, 16) + PackASlack;
        CpuPackBuffer buffer = CpuPackBuffer.Rent((nuint)(aElements + (mr * nr)) * (nuint)sizeof(T));
        try
        {
            HostMatrix<T> a = args.A, b = args.B, c = args.C;
            fixed (T* aData = a.Data, bData = b.Data, cData = c.Data)
            {
                T* aPack = (T*)buffer.Pointer;
                T* tile = aPack + aElements;
                T* aBase = aData + a.Offset, bBase = bData + b.Offset, cBase = cData + c.Offset;
                nint lda = a.LeadingDimension, ldb = b.LeadingDimension, ldc = c.LeadingDimension;
                for (int jc = 0; jc < n; jc += blocking.Nc)
                {
                    int nc = Math.Min(blocking.Nc, n - jc);
                    int panels = CeilDiv(nc, nr);
                    for (int pc = 0; pc < k; pc += blocking.Kc)
                    {
                        int kc = Math.Min(blocking.Kc, k - pc);

                        // This member's run of B's micro-panels, then wait until every run is packed.
                        int first = panels * member / members, last = panels * (member + 1) / members;
                        if (last > first)
                        {
                            int j = first * nr;
                            PackB(bPack + ((nint)j * kc), bBase, ldb, args.OpB, pc, kc, jc + j, Math.Min(nc, last * nr) - j, nr, config.Path);
                        }

                        barrier.SignalAndWait();
                        if (stop.Value)
                        {
                            return;
                        }

                        T beta = pc == 0 ? args.Beta : T.One;
                        bool skipC = pc == 0 && T.IsZero(args.Beta);

                        // Strips of MR rows of C are taken one at a time from a shared counter, each A micro-panel packed
                        // just before its sweep over the panel (rows outside, so it is read from L1): a member that is
                        // slowed (a busy core, a preempted vCPU) no longer holds the other at the next barrier.
                        for (int strip = Interlocked.Increment(ref next.Value) - 1;
                             strip < strips && !args.Cancellation.IsCancellationRequested;
                             strip = Interlocked.Increment(ref next.Value) - 1)
                        {
                            int ic = strip * mr, mc = Math.Min(mr, m - ic);
                            PackA(aPack, aBase, lda, args.OpA, ic, mc, pc, kc, mr, m, config.Path);
                            MultiplyPacked(config.Path, blocking, kc, mc, nc, aPack, bPack, cBase + jc + (ic * ldc), ldc, args.Alpha, beta, skipC, tile);
                        }

                        // Nobody repacks the shared panel while another member still reads it.
                        barrier.SignalAndWait();
                        if (stop.Value)
                        {
                            return;
                        }
                    }
                }
            }
        }
        finally
        {
            buffer.Return();
        }
    }

    /// <summary>
    /// The ir and jr loops: packed A (mc × kc) against packed B (kc × nc) into C at <paramref name="c"/> (row ic,
    /// column jc); edge tiles go through <paramref name="tile"/> (MR × NR scratch) and are clipped on write-back.
    /// </summary>
    /// <remarks>
    /// Rows outside, columns inside: one A micro-panel (KC × MR, 28 KiB in f32 at KC = 512) stays in L1 while the B
    /// micro-panels stream past it, and C is written along 14 rows at a time instead of jumping 14 rows down per tile.
    /// Measured against the other order, interleaved with OpenBLAS, 2048³, four rounds of five runs each (medians of the
    /// ratio to OpenBLAS): f32 one thread 0.86 → 0.93, two threads 0.82 → 0.88; f64 one thread 0.92 → 1.08, two
    /// threads 0.98 → 1.03; 64 × 20000 × 512 and 1000 × 3000 × 500 unchanged within the noise.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyPacked<T>(
        CpuKernelPath path, CpuGemmBlocking blocking, int kc, int mc, int nc, T* aPack, T* bPack, T* c, nint ldc, T alpha, T beta, bool skipC, T* tile)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int mr = blocking.Mr, nr = blocking.Nr;
        for (int ir = 0; ir < mc; ir += mr)
        {
            T* aPanel = aPack + ((nint)ir * kc);
            for (int jr = 0; jr < nc; jr += nr)
            {
                T* bPanel = bPack + ((nint)jr * kc);
                int cols = Math.Min(nr, nc - jr);
                T* cTile = c + jr + (ir * ldc);
                int rows = Math.Min(mr, mc - ir);
                if (rows == mr && cols == nr)
                {
                    MicroKernel(path, kc, aPanel, bPanel, nr, 0, cTile, ldc, alpha, beta, skipC);
                }
                else
                {
                    EdgeTile(path, blocking, kc, aPanel, bPanel, nr, 0, cTile, ldc, rows, cols, alpha, beta, skipC, tile);
                }
            }
        }
    }

    /// <summary>
    /// Packed A (mc × kc) against op(B) = B read where it lies (kc rows <paramref name="ldb"/> apart, nc a whole number
    /// of NR columns): B's micro-panels outside, so each is read from memory once and from cache for the other strips,
    /// and the first strip's kernel prefetches the next micro-panel's lines (the same rows, NR further on), which the
    /// hardware prefetchers do not follow across KC rows a page or more apart.
    /// </summary>
    /// <remarks>
    /// For products whose rows fit one MC block, where packing B had been half the time (BLIS's unpacked "sup"
    /// kernels do the same for skinny shapes). Against packing B in chunks, alternating, 2 threads, vs OpenBLAS, three
    /// rounds (2026-12-01): 64 × 20000 × 512 f32 0.87 → 1.02, f64 0.77 → 1.03; 250 × 20000 × 512 f32 1.09 → 1.15;
    /// 128 × 4000 × 2000 f32 0.93 → 0.95.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyUnpackedB<T>(
        CpuKernelPath path, CpuGemmBlocking blocking, int kc, int mc, int nc, T* aPack, T* b, nint ldb, T* c, nint ldc, T alpha, T beta, bool skipC, T* tile)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int mr = blocking.Mr, nr = blocking.Nr;
        for (int jr = 0; jr < nc; jr += nr)
        {
            T* bPanel = b + jr;
            for (int ir = 0; ir < mc; ir += mr)
            {
                T* aPanel = aPack + ((nint)ir * kc);
                T* cTile = c + jr + (ir * ldc);
                nint prefetch = ir == 0 && jr + nr < nc ? nr : 0;
                int rows = Math.Min(mr, mc - ir);
                if (rows == mr)
                {
                    MicroKernel(path, kc, aPanel, bPanel, ldb, prefetch, cTile, ldc, alpha, beta, skipC);
                }
                else
                {
                    EdgeTile(path, blocking, kc, aPanel, bPanel, ldb, prefetch, cTile, ldc, rows, nr, alpha, beta, skipC, tile);
                }
            }
        }
    }

    /// <summary>
    /// A tile at C's edge, <paramref name="rows"/> × <paramref name="cols"/> of the MR × NR micro-tile: a strip of at
    /// most 8 rows on the 512-bit path takes the 8-row kernel (straight into C when it is exactly 8 × NR), anything
    /// else the whole padded tile computed into scratch (α = 1, no C) and the valid part written back.
    /// </summary>
    /// <remarks>
    /// The 8-row kernel is for short blocks (m = 64 is 4 × 14 + 8: the fifth strip had spent 6 of 14 rows' FMAs on zero
    /// padding, 9 % of the product).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void EdgeTile<T>(
        CpuKernelPath path, CpuGemmBlocking blocking, int kc, T* aPanel, T* bPanel, nint ldb, nint prefetch, T* c, nint ldc, int rows, int cols, T alpha, T beta, bool skipC, T* tile)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int mr = blocking.Mr, nr = blocking.Nr;
        if (path == CpuKernelPath.Vector512 && rows <= 8)
        {
            if (rows == 8 && cols == nr)
            {
                CpuMicroKernels.Rows8x512(kc, aPanel, mr, bPanel, ldb, prefetch, c, ldc, alpha, beta, skipC);
                return;
            }

            CpuMicroKernels.Rows8x512(kc, aPanel, mr, bPanel, ldb, prefetch, tile, nr, T.One, T.Zero, skipC: true);
        }
        else
        {
            MicroKernel(path, kc, aPanel, bPanel, ldb, prefetch, tile, nr, T.One, T.Zero, skipC: true);
        }

        WriteBack(path, tile, nr, c, ldc, rows, cols, alpha, beta, skipC);
    }

    /// <summary>The micro-kernel for <typeparamref name="T"/> on <paramref name="path"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MicroKernel<T>(
        CpuKernelPath path, int kc, T* a, T* b, nint ldb, nint prefetch, T* c, nint ldc, T alpha, T beta, bool skipC)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            switch (path)
            {
                case CpuKernelPath.Vector512:
                    CpuMicroKernels.Single512(kc, (float*)a, (float*)b, ldb, prefetch, (float*)c, ldc, Unsafe.As<T, float>(ref alpha), Unsafe.As<T, float>(ref beta), skipC);
                    break;
                case CpuKernelPath.Vector256:
                    CpuMicroKernels.Single256(kc, (float*)a, (float*)b, ldb, prefetch, (float*)c, ldc, Unsafe.As<T, float>(ref alpha), Unsafe.As<T, float>(ref beta), skipC);
                    break;
                default:
                    CpuMicroKernels.Scalar(kc, (float*)a, (float*)b, ldb, (float*)c, ldc, Unsafe.As<T, float>(ref alpha), Unsafe.As<T, float>(ref beta), skipC);
                    break;
            }
        }
        else
        {
            switch (path)
            {
                case CpuKernelPath.Vector512:
                    CpuMicroKernels.Double512(kc, (double*)a, (double*)b, ldb, prefetch, (double*)c, ldc, Unsafe.As<T, double>(ref alpha), Unsafe.As<T, double>(ref beta), skipC);
                    break;
                case CpuKernelPath.Vector256:
                    CpuMicroKernels.Double256(kc, (double*)a, (double*)b, ldb, prefetch, (double*)c, ldc, Unsafe.As<T, double>(ref alpha), Unsafe.As<T, double>(ref beta), skipC);
                    break;
                default:
                    CpuMicroKernels.Scalar(kc, (double*)a, (double*)b, ldb, (double*)c, ldc, Unsafe.As<T, double>(ref alpha), Unsafe.As<T, double>(ref beta), skipC);
                    break;
            }
        }
    }

    /// <summary>The operands of one call, passed to the workers.</summary>
    private readonly record struct GemmArgs<T>(
        T Alpha, HostMatrix<T> A, Transpose OpA, HostMatrix<T> B, Transpose OpB, T Beta, HostMatrix<T> C, int K, CpuGemmConfig Config,
        CancellationToken Cancellation)
        where T : unmanaged, IFloatingPointIeee754<T>;
}
