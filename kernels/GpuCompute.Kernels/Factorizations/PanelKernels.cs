using GpuCompute.Kernels.LinearAlgebra;
using ILGPU;

namespace GpuCompute.Kernels.Factorizations;

/// <summary>
/// The base cases of the tall panels of LU and QR (the engine's recursion over the panel's columns does the rest with
/// GEMMs and triangular solves): LU with partial pivoting and Householder QR of a panel of at most
/// <see cref="MaxColumns"/> columns, each on one group of at most <see cref="MaxGroupSize"/> threads, and the row
/// interchanges of LU with one thread per column. A column's pivot search, norm and dot products are reductions over
/// the group; each thread keeps to rows of its own between them.
/// </summary>
internal static class PanelKernels
{
    /// <summary>The most threads in the one group of a panel kernel (the size of its shared arrays).</summary>
    public const int MaxGroupSize = 256;

    /// <summary>The most columns of a panel base case.</summary>
    public const int MaxColumns = 32;

    /// <summary>
    /// One group: LU with partial pivoting of the panel (L unit lower below the diagonal, U on and above it).
    /// <paramref name="result"/>[1 + j] receives the row (of the panel, from 0) interchanged with row j, and
    /// <paramref name="result"/>[0] −1 or the first column whose pivot is exactly zero (LAPACK goes on past it, and so
    /// does this).
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <typeparam name="TScalar">Arithmetic on <typeparamref name="T"/>.</typeparam>
    /// <param name="a">The buffer holding the panel.</param>
    /// <param name="result">At least Cols + 1 elements: the result code, then the pivots.</param>
    /// <param name="args">The panel's view.</param>
    public static void LuColumns<T, TScalar>(ArrayView<T> a, ArrayView<int> result, PanelArguments args)
        where T : unmanaged
        where TScalar : struct, ILinearAlgebraScalar<T>
    {
        TScalar s = default;
        ArrayView<T> magnitudes = SharedMemory.Allocate<T>(MaxGroupSize);
        ArrayView<int> rows = SharedMemory.Allocate<int>(MaxGroupSize);
        int thread = Group.IdxX, size = Group.DimX, m = args.Rows, b = args.Cols, info = -1;
        for (int j = 0; j < b; j++)
        {
            // The pivot: the largest magnitude in column j at or below the diagonal (the first on ties, a NaN first).
            T best = default;
            int bestRow = -1;
            for (int i = j + thread; i < m; i += size)
            {
                T magnitude = s.Abs(a[At(args, i, j)]);
                if (Prefer(s, magnitude, i, best, bestRow))
                {
                    best = magnitude;
                    bestRow = i;
                }
            }

            magnitudes[thread] = best;
            rows[thread] = bestRow;
            Group.Barrier();
            for (int active = size; active > 1;)
            {
                int half = (active + 1) / 2;
                if (thread < half && thread + half < active && Prefer(s, magnitudes[thread + half], rows[thread + half], magnitudes[thread], rows[thread]))
                {
                    magnitudes[thread] = magnitudes[thread + half];
                    rows[thread] = rows[thread + half];
                }

                Group.Barrier();
                active = half;
            }

            int pivot = rows[0];
            if (pivot != j)
            {
                for (int c = thread; c < b; c += size)
                {
                    long top = At(args, j, c), other = At(args, pivot, c);
                    (a[top], a[other]) = (a[other], a[top]);
                }
            }

            if (thread == 0)
            {
                result[1 + j] = pivot;
            }

            Group.Barrier();
            T diagonal = a[At(args, j, j)];
            if (s.IsZero(diagonal))
            {
                info = info < 0 ? j : info;
            }
            else
            {
                // L's column and the rank-one update of the columns to its right, a row per thread.
                for (int i = j + 1 + thread; i < m; i += size)
                {
                    T l = s.Divide(a[At(args, i, j)], diagonal);
                    a[At(args, i, j)] = l;
                    for (int c = j + 1; c < b; c++)
                    {
                        a[At(args, i, c)] = s.SubtractProduct(a[At(args, i, c)], l, a[At(args, j, c)]);
                    }
                }
            }

            Group.Barrier(); // the next pivot search reads rows other threads updated
        }

        if (thread == 0)
        {
            result[0] = info;
        }
    }

    /// <summary>One thread per column: the interchanges <c>row First + p ↔ row pivots[p] − Origin</c>, p in order
    /// (LAPACK's <c>laswp</c>).</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="column">The thread's column.</param>
    /// <param name="a">The buffer holding the rows.</param>
    /// <param name="pivots">The interchanges.</param>
    /// <param name="args">The view and which interchanges.</param>
    public static void SwapRows<T>(Index1D column, ArrayView<T> a, ArrayView<int> pivots, RowSwapArguments args)
        where T : unmanaged
    {
        if (column >= args.Cols)
        {
            return;
        }

        for (int p = 0; p < args.Count; p++)
        {
            long row = args.First + p, other = pivots[p] - args.Origin;
            if (other != row)
            {
                long x = args.Offset + (row * args.Leading) + column, y = args.Offset + (other * args.Leading) + column;
                (a[x], a[y]) = (a[y], a[x]);
            }
        }
    }

    /// <summary>
    /// One group: Householder QR of the panel (R on and above the diagonal, the vectors' tails below it, LAPACK's
    /// <c>geqr2</c>), V explicit (unit diagonal, zeros above it) and T (upper triangular, zeros below) with
    /// H₀···H_{b−1} = I − V·T·Vᵀ (LAPACK's <c>larft</c>); <paramref name="tau"/>[j] the reflectors' scalars.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <typeparam name="TScalar">Arithmetic on <typeparamref name="T"/>.</typeparam>
    /// <param name="a">The buffer holding the panel.</param>
    /// <param name="v">The buffer receiving V (the panel's shape).</param>
    /// <param name="t">The buffer receiving T (Cols square).</param>
    /// <param name="tau">At least Cols elements.</param>
    /// <param name="args">The three views.</param>
    public static void QrColumns<T, TScalar>(ArrayView<T> a, ArrayView<T> v, ArrayView<T> t, ArrayView<T> tau, QrPanelArguments args)
        where T : unmanaged
        where TScalar : struct, ILinearAlgebraScalar<T>
    {
        TScalar s = default;
        ArrayView<T> partials = SharedMemory.Allocate<T>(MaxGroupSize);
        ArrayView<T> products = SharedMemory.Allocate<T>(MaxColumns);
        int thread = Group.IdxX, size = Group.DimX, m = args.A.Rows, b = args.A.Cols;
        PanelArguments av = args.A, vv = args.V, tv = args.T;
        for (int j = 0; j < b; j++)
        {
            T alpha = a[At(av, j, j)]; // read before the reduction's barriers: row j's owner overwrites it below
            T tailSquares = default;
            for (int i = thread; i < m; i += size)
            {
                if (i > j)
                {
                    T x = a[At(av, i, j)];
                    tailSquares = s.MultiplyAdd(x, x, tailSquares);
                }
            }

            tailSquares = Sum(s, partials, tailSquares);
            T tj = default;
            if (!s.IsZero(tailSquares))
            {
                T norm = s.Sqrt(s.MultiplyAdd(alpha, alpha, tailSquares));
                T beta = s.IsNegative(alpha) ? norm : s.Subtract(default, norm);
                tj = s.Divide(s.Subtract(beta, alpha), beta);
                T scale = s.Divide(s.One(), s.Subtract(alpha, beta));
                for (int i = thread; i < m; i += size)
                {
                    if (i > j)
                    {
                        a[At(av, i, j)] = s.Multiply(a[At(av, i, j)], scale);
                    }
                }

                // Each column to the right: y ← y − τ·(vᵀy)·v with v = (1, a[j+1.., j]).
                for (int c = j + 1; c < b; c++)
                {
                    T dot = default;
                    for (int i = thread; i < m; i += size)
                    {
                        if (i == j)
                        {
                            dot = s.Add(dot, a[At(av, j, c)]);
                        }
                        else if (i > j)
                        {
                            dot = s.MultiplyAdd(a[At(av, i, j)], a[At(av, i, c)], dot);
                        }
                    }

                    T w = s.Multiply(tj, Sum(s, partials, dot));
                    for (int i = thread; i < m; i += size)
                    {
                        if (i == j)
                        {
                            a[At(av, j, c)] = s.Subtract(a[At(av, j, c)], w);
                        }
                        else if (i > j)
                        {
                            a[At(av, i, c)] = s.SubtractProduct(a[At(av, i, c)], w, a[At(av, i, j)]);
                        }
                    }
                }

                if (j % size == thread)
                {
                    a[At(av, j, j)] = beta;
                }
            }

            if (thread == 0)
            {
                tau[j] = tj; // zero where the column is already triangular: H = I
            }

            Group.Barrier();
        }

        for (int i = thread; i < m; i += size)
        {
            for (int j = 0; j < b; j++)
            {
                v[At(vv, i, j)] = i > j ? a[At(av, i, j)] : i == j ? s.One() : default;
            }
        }

        Group.Barrier();

        // T column by column: T[0..j, j] = −τ_j·T[0..j, 0..j]·(V[:, 0..j]ᵀ·v_j), v_j zero above row j.
        for (int j = 0; j < b; j++)
        {
            for (int p = 0; p < j; p++)
            {
                T dot = default;
                for (int i = thread; i < m; i += size)
                {
                    if (i >= j)
                    {
                        dot = s.MultiplyAdd(v[At(vv, i, p)], v[At(vv, i, j)], dot);
                    }
                }

                dot = Sum(s, partials, dot);
                if (thread == 0)
                {
                    products[p] = dot;
                }
            }

            Group.Barrier();
            T tj = tau[j];
            for (int i = thread; i < b; i += size)
            {
                T value = default;
                if (i < j)
                {
                    T sum = default;
                    for (int p = i; p < j; p++)
                    {
                        sum = s.MultiplyAdd(t[At(tv, i, p)], products[p], sum);
                    }

                    value = s.Subtract(default, s.Multiply(tj, sum));
                }
                else if (i == j)
                {
                    value = tj;
                }

                t[At(tv, i, j)] = value;
            }

            Group.Barrier(); // the next column reads this one's T and rewrites the products
        }
    }

    /// <summary>The sum of every thread's <paramref name="value"/>, returned to all of them.</summary>
    private static T Sum<T, TScalar>(TScalar s, ArrayView<T> partials, T value)
        where T : unmanaged
        where TScalar : struct, ILinearAlgebraScalar<T>
    {
        int thread = Group.IdxX;
        partials[thread] = value;
        Group.Barrier();
        for (int active = Group.DimX; active > 1;)
        {
            int half = (active + 1) / 2;
            if (thread < half && thread + half < active)
            {
                partials[thread] = s.Add(partials[thread], partials[thread + half]);
            }

            Group.Barrier();
            active = half;
        }

        T total = partials[0];
        Group.Barrier(); // everyone has read it before the next sum writes the array again
        return total;
    }

    /// <summary>True when (<paramref name="magnitude"/>, <paramref name="row"/>) should replace the current pivot: a
    /// NaN beats any number, a larger magnitude a smaller one, and the lower row wins a tie. A row below zero marks "no
    /// candidate yet".</summary>
    private static bool Prefer<T, TScalar>(TScalar s, T magnitude, int row, T current, int currentRow)
        where T : unmanaged
        where TScalar : struct, ILinearAlgebraScalar<T>
    {
        if (row < 0)
        {
            return false;
        }

        if (currentRow < 0)
        {
            return true;
        }

        bool nan = s.IsNaN(magnitude), currentNan = s.IsNaN(current);
        if (nan || currentNan)
        {
            return nan && (!currentNan || row < currentRow);
        }

        return s.IsGreater(magnitude, current) || (!s.IsGreater(current, magnitude) && row < currentRow);
    }

    private static long At(PanelArguments view, long row, long col) => view.Offset + (row * view.Leading) + col;
}
