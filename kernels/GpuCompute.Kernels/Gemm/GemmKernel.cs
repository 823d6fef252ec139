using ILGPU;

namespace GpuCompute.Kernels.Gemm;

/// <summary>
/// The tiled GEMM kernel, C ← α·op(A)·op(B) + β·C, for any element type with an <see cref="IKernelScalar{T}"/>
/// and any blocking given by an <see cref="IGemmTileConfig"/>.
/// </summary>
/// <remarks>
/// <para>Launch it explicitly grouped, with a group of <c>(ThreadsX, ThreadsY)</c> threads and a grid of
/// <c>(⌈N / BlockCols⌉, ⌈M / BlockRows⌉)</c> groups (see <see cref="GetGridSize"/>).</para>
/// <para>Each group stages <c>DepthK</c>-deep slices of its A rows and B columns in shared memory (stored k-major,
/// so both are read along the fast index; double-buffered, so staging slice s + 1 overlaps computing slice s and one
/// barrier per slice suffices), then every thread accumulates an 8 × 8 register tile. A thread owns two
/// runs of four rows, <c>4·ty + {0..3}</c> and <c>BlockRows/2 + 4·ty + {0..3}</c>, and likewise two runs of four
/// columns (with tx and BlockCols/2): each run is one vector load from shared memory per k (4 vector loads feed 64
/// FMAs), neighbouring threads read neighbouring quads, and each thread writes runs of four elements of C.</para>
/// <para>Every load and store is bounds-checked, so any M, N, K ≥ 0 works; out-of-range operand elements are staged
/// as zero. With β = 0, C is never read (NaN or garbage in C does not leak into the result).</para>
/// </remarks>
internal static class GemmKernel
{
    /// <summary>Rows and columns of the register tile each thread computes (the 8 × 8 code below is hand-unrolled:
    /// ILGPU 1.5.3 does not unroll loops).</summary>
    public const int RegisterTile = 8;

    /// <summary>Extra elements per k-row of the shared A and B slices: staging writes k-consecutive elements from
    /// consecutive threads, and a row stride of BlockRows + 4 (not a multiple of 32 banks) spreads them over banks.</summary>
    /// <remarks>A multiple of 4, so every k-row still starts on a quad boundary for the vector loads.</remarks>
    public const int SharedPadding = 4;

    /// <summary>Elements per vector load (<see cref="RegisterQuad{T}"/>): a thread's 8 rows (or columns) are two runs of 4.</summary>
    public const int Run = 4;

    /// <summary>The grid, in groups, that covers an <paramref name="m"/> × <paramref name="n"/> C.</summary>
    /// <typeparam name="TConfig">The blocking.</typeparam>
    /// <param name="m">Rows of C.</param>
    /// <param name="n">Columns of C.</param>
    /// <returns>(groups along the columns, groups along the rows).</returns>
    public static (int X, int Y) GetGridSize<TConfig>(int m, int n)
        where TConfig : struct, IGemmTileConfig
    {
        TConfig config = default;
        return ((n + config.BlockCols - 1) / config.BlockCols, (m + config.BlockRows - 1) / config.BlockRows);
    }

    /// <summary>The kernel entry point (explicitly grouped): computes one BlockRows × BlockCols block of C per group.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <typeparam name="TScalar">Arithmetic on <typeparamref name="T"/>.</typeparam>
    /// <typeparam name="TConfig">The blocking.</typeparam>
    /// <param name="a">A as stored (M×K, or K×M when transposed), leading dimension <c>args.Lda</c>.</param>
    /// <param name="b">B as stored (K×N, or N×K when transposed), leading dimension <c>args.Ldb</c>.</param>
    /// <param name="c">C (M×N), leading dimension <c>args.Ldc</c>; read only when β ≠ 0.</param>
    /// <param name="args">Sizes, leading dimensions, transposes, α and β.</param>
    public static void Gemm<T, TScalar, TConfig>(ArrayView<T> a, ArrayView<T> b, ArrayView<T> c, GemmArguments<T> args)
        where T : unmanaged
        where TScalar : struct, IKernelScalar<T>
        where TConfig : struct, IGemmTileConfig
    {
        TConfig config = default;
        int threadsX = config.ThreadsX;
        int threadsY = config.ThreadsY;
        int depth = config.DepthK;
        int blockRows = config.BlockRows;
        int blockCols = config.BlockCols;
        ArrayView<T> sharedA = SharedMemory.Allocate<T>(config.SharedA);
        ArrayView<T> sharedB = SharedMemory.Allocate<T>(config.SharedB);
        int strideA = blockRows + SharedPadding;
        int strideB = blockCols + SharedPadding;

        // Two buffers per operand: the group stages slice s + 1 into one while it computes slice s from the other.
        int sliceA = depth * strideA;
        int sliceB = depth * strideB;

        // Quad views of the slices for the compute loop: a k-row of A holds (strideA / 4) quads, the second run of a
        // thread's rows starts BlockRows / 2 = 4·ThreadsY elements = ThreadsY quads later.
        ArrayView<RegisterQuad<T>> quadsA = sharedA.Cast<RegisterQuad<T>>();
        ArrayView<RegisterQuad<T>> quadsB = sharedB.Cast<RegisterQuad<T>>();
        int quadStrideA = strideA / Run;
        int quadStrideB = strideB / Run;

        int tx = Group.IdxX;
        int ty = Group.IdxY;
        int thread = (ty * threadsX) + tx;
        int groupSize = threadsX * threadsY;
        int rowBase = Grid.IdxY * blockRows;
        int colBase = Grid.IdxX * blockCols;

        RegisterRow<T> acc0 = default, acc1 = default, acc2 = default, acc3 = default;
        RegisterRow<T> acc4 = default, acc5 = default, acc6 = default, acc7 = default;

        if (args.K > 0)
        {
            StageA(a, args, sharedA.SubView(0, sliceA), rowBase, 0, thread, groupSize, blockRows, strideA, depth);
            StageB(b, args, sharedB.SubView(0, sliceB), colBase, 0, thread, groupSize, blockCols, strideB, depth);
        }

        Group.Barrier();

        // One barrier per slice: it ends every read of the current buffer (overwritten by the next iteration's
        // staging) and every write of the next one (read by the next iteration's compute).
        int buffer = 0;
        for (int k0 = 0; k0 < args.K; k0 += depth)
        {
            int next = 1 - buffer;
            if (k0 + depth < args.K)
            {
                StageA(a, args, sharedA.SubView(next * sliceA, sliceA), rowBase, k0 + depth, thread, groupSize, blockRows, strideA, depth);
                StageB(b, args, sharedB.SubView(next * sliceB, sliceB), colBase, k0 + depth, thread, groupSize, blockCols, strideB, depth);
            }

            int quadsBaseA = buffer * (sliceA / Run);
            int quadsBaseB = buffer * (sliceB / Run);
            for (int kk = 0; kk < depth; kk++)
            {
                RegisterRow<T> av = LoadRuns(quadsA, quadsBaseA + (kk * quadStrideA) + ty, threadsY);
                RegisterRow<T> bv = LoadRuns(quadsB, quadsBaseB + (kk * quadStrideB) + tx, threadsX);
                acc0 = MultiplyAdd<T, TScalar>(acc0, av.V0, bv);
                acc1 = MultiplyAdd<T, TScalar>(acc1, av.V1, bv);
                acc2 = MultiplyAdd<T, TScalar>(acc2, av.V2, bv);
                acc3 = MultiplyAdd<T, TScalar>(acc3, av.V3, bv);
                acc4 = MultiplyAdd<T, TScalar>(acc4, av.V4, bv);
                acc5 = MultiplyAdd<T, TScalar>(acc5, av.V5, bv);
                acc6 = MultiplyAdd<T, TScalar>(acc6, av.V6, bv);
                acc7 = MultiplyAdd<T, TScalar>(acc7, av.V7, bv);
            }

            Group.Barrier();
            buffer = next;
        }

        int row = rowBase + (Run * ty);
        int row2 = row + (blockRows / 2);
        int col = colBase + (Run * tx);
        int col2 = col + (blockCols / 2);
        StoreRow<T, TScalar>(c, args, row, col, col2, acc0);
        StoreRow<T, TScalar>(c, args, row + 1, col, col2, acc1);
        StoreRow<T, TScalar>(c, args, row + 2, col, col2, acc2);
        StoreRow<T, TScalar>(c, args, row + 3, col, col2, acc3);
        StoreRow<T, TScalar>(c, args, row2, col, col2, acc4);
        StoreRow<T, TScalar>(c, args, row2 + 1, col, col2, acc5);
        StoreRow<T, TScalar>(c, args, row2 + 2, col, col2, acc6);
        StoreRow<T, TScalar>(c, args, row2 + 3, col, col2, acc7);
    }

    /// <summary>Copies op(A)[rowBase .. +blockRows, k0 .. +depth] into shared memory as [k][row] (row stride <paramref name="stride"/>), zero outside A.</summary>
    private static void StageA<T>(
        ArrayView<T> a, GemmArguments<T> args, ArrayView<T> shared, int rowBase, int k0, int thread, int groupSize,
        int blockRows, int stride, int depth)
        where T : unmanaged
    {
        int count = blockRows * depth;
        if (args.TransposeA == 0)
        {
            // A is M×K: consecutive threads take consecutive k of one row (contiguous in A).
            for (int e = thread; e < count; e += groupSize)
            {
                int r = e / depth;
                int k = e - (r * depth);
                int gr = rowBase + r;
                int gk = k0 + k;
                shared[(k * stride) + r] = gr < args.M && gk < args.K ? a[(gr * args.Lda) + gk] : default;
            }
        }
        else
        {
            // A is K×M: consecutive threads take consecutive rows of op(A) (contiguous in A).
            for (int e = thread; e < count; e += groupSize)
            {
                int k = e / blockRows;
                int r = e - (k * blockRows);
                int gr = rowBase + r;
                int gk = k0 + k;
                shared[(k * stride) + r] = gr < args.M && gk < args.K ? a[(gk * args.Lda) + gr] : default;
            }
        }
    }

    /// <summary>Copies op(B)[k0 .. +depth, colBase .. +blockCols] into shared memory as [k][col] (row stride <paramref name="stride"/>), zero outside B.</summary>
    private static void StageB<T>(
        ArrayView<T> b, GemmArguments<T> args, ArrayView<T> shared, int colBase, int k0, int thread, int groupSize,
        int blockCols, int stride, int depth)
        where T : unmanaged
    {
        int count = blockCols * depth;
        if (args.TransposeB == 0)
        {
            // B is K×N: consecutive threads take consecutive columns (contiguous in B).
            for (int e = thread; e < count; e += groupSize)
            {
                int k = e / blockCols;
                int cc = e - (k * blockCols);
                int gc = colBase + cc;
                int gk = k0 + k;
                shared[(k * stride) + cc] = gc < args.N && gk < args.K ? b[(gk * args.Ldb) + gc] : default;
            }
        }
        else
        {
            // B is N×K: consecutive threads take consecutive k of one column of op(B) (contiguous in B).
            for (int e = thread; e < count; e += groupSize)
            {
                int cc = e / depth;
                int k = e - (cc * depth);
                int gc = colBase + cc;
                int gk = k0 + k;
                shared[(k * stride) + cc] = gc < args.N && gk < args.K ? b[(gc * args.Ldb) + gk] : default;
            }
        }
    }

    /// <summary>Reads a thread's two runs of four values: quads <paramref name="first"/> and first + <paramref name="gap"/>.</summary>
    private static RegisterRow<T> LoadRuns<T>(ArrayView<RegisterQuad<T>> quads, int first, int gap)
        where T : unmanaged
    {
        RegisterQuad<T> q0 = quads[first];
        RegisterQuad<T> q1 = quads[first + gap];
        RegisterRow<T> row;
        row.V0 = q0.V0;
        row.V1 = q0.V1;
        row.V2 = q0.V2;
        row.V3 = q0.V3;
        row.V4 = q1.V0;
        row.V5 = q1.V1;
        row.V6 = q1.V2;
        row.V7 = q1.V3;
        return row;
    }

    /// <summary>Returns acc + a·b, element-wise over the row.</summary>
    private static RegisterRow<T> MultiplyAdd<T, TScalar>(RegisterRow<T> acc, T a, RegisterRow<T> b)
        where T : unmanaged
        where TScalar : struct, IKernelScalar<T>
    {
        TScalar s = default;
        acc.V0 = s.MultiplyAdd(a, b.V0, acc.V0);
        acc.V1 = s.MultiplyAdd(a, b.V1, acc.V1);
        acc.V2 = s.MultiplyAdd(a, b.V2, acc.V2);
        acc.V3 = s.MultiplyAdd(a, b.V3, acc.V3);
        acc.V4 = s.MultiplyAdd(a, b.V4, acc.V4);
        acc.V5 = s.MultiplyAdd(a, b.V5, acc.V5);
        acc.V6 = s.MultiplyAdd(a, b.V6, acc.V6);
        acc.V7 = s.MultiplyAdd(a, b.V7, acc.V7);
        return acc;
    }

    /// <summary>Writes one accumulator row to C[row, col .. col + 3] and C[row, col2 .. col2 + 3], skipping what lies
    /// outside C.</summary>
    private static void StoreRow<T, TScalar>(
        ArrayView<T> c, GemmArguments<T> args, int row, int col, int col2, RegisterRow<T> acc)
        where T : unmanaged
        where TScalar : struct, IKernelScalar<T>
    {
        if (row >= args.M)
        {
            return;
        }

        int start = row * args.Ldc;
        Store<T, TScalar>(c, args, start, col, acc.V0);
        Store<T, TScalar>(c, args, start, col + 1, acc.V1);
        Store<T, TScalar>(c, args, start, col + 2, acc.V2);
        Store<T, TScalar>(c, args, start, col + 3, acc.V3);
        Store<T, TScalar>(c, args, start, col2, acc.V4);
        Store<T, TScalar>(c, args, start, col2 + 1, acc.V5);
        Store<T, TScalar>(c, args, start, col2 + 2, acc.V6);
        Store<T, TScalar>(c, args, start, col2 + 3, acc.V7);
    }

    /// <summary>C[index] ← α·value + β·C[index] (C not read when β = 0), if the column lies inside C.</summary>
    private static void Store<T, TScalar>(ArrayView<T> c, GemmArguments<T> args, int rowStart, int col, T value)
        where T : unmanaged
        where TScalar : struct, IKernelScalar<T>
    {
        if (col < args.N)
        {
            TScalar s = default;
            int index = rowStart + col;
            T scaled = s.Multiply(args.Alpha, value);
            c[index] = s.IsZero(args.Beta) ? scaled : s.MultiplyAdd(args.Beta, c[index], scaled);
        }
    }
}
