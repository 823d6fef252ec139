using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using GpuCompute.Matrices;

namespace GpuCompute.Factorizations;

/// <summary>
/// Substitution with a small triangular matrix (order at most <see cref="MaxOrder"/>) on many right-hand sides:
/// B ← M⁻¹·B, the base case of the recursive TRSMs. M's rows are taken in elimination order (forward for a lower
/// triangle, backward for an upper one), so one kernel serves L, U and Lᵀ.
/// </summary>
/// <remarks>
/// B's columns are independent, so the kernel keeps eight vectors of one row of B in registers and sweeps the rows
/// already solved into them: one broadcast coefficient, eight loads and eight FMAs per step, all within a block of B
/// that stays in L1. The earlier form, one library AXPY over a whole row per coefficient, read and wrote the row
/// from memory for every single FMA.
/// </remarks>
internal static unsafe class TriangularBlock
{
    /// <summary>The largest order solved here (the coefficients live on the stack).</summary>
    public const int MaxOrder = 64;

    /// <summary>Which triangle of <c>m</c> the solve uses.</summary>
    public enum Shape
    {
        /// <summary>L·X = B with L the lower triangle of m.</summary>
        Lower,

        /// <summary>L·X = B with L the lower triangle of m, its diagonal taken as 1 and not read.</summary>
        UnitLower,

        /// <summary>U·X = B with U the upper triangle of m.</summary>
        Upper,

        /// <summary>Lᵀ·X = B with L the lower triangle of m.</summary>
        LowerTransposed,
    }

    /// <summary>B ← M⁻¹·B for the triangle <paramref name="shape"/> of <paramref name="m"/> (n × n, n ≤
    /// <see cref="MaxOrder"/>) and B (n × r). <paramref name="simd"/> false runs the portable path (tests use it).</summary>
    public static void Solve<T>(HostMatrix<T> m, HostMatrix<T> b, Shape shape, bool simd = true)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = m.Rows;
        if (n > MaxOrder)
        {
            throw new ArgumentOutOfRangeException(nameof(m), n, $"A triangular block of order at most {MaxOrder} is solved here.");
        }

        if (n == 0 || b.Cols == 0)
        {
            return;
        }

        // Step s solves row order[s] of B with coefficients[s·n + t] = M[order[s], order[t]] for the earlier steps t.
        Span<int> order = stackalloc int[n];
        Span<T> coefficients = stackalloc T[n * n];
        Span<T> reciprocal = stackalloc T[n];
        bool backward = shape is Shape.Upper or Shape.LowerTransposed;
        for (int s = 0; s < n; s++)
        {
            order[s] = backward ? n - 1 - s : s;
        }

        for (int s = 0; s < n; s++)
        {
            int row = order[s];
            ReadOnlySpan<T> mRow = m.Row(row);
            Span<T> coefficientRow = coefficients.Slice(s * n, s);
            if (shape == Shape.LowerTransposed)
            {
                for (int t = 0; t < s; t++)
                {
                    coefficientRow[t] = m[order[t], row];
                }
            }
            else
            {
                for (int t = 0; t < s; t++)
                {
                    coefficientRow[t] = mRow[order[t]];
                }
            }

            // Multiplying by the reciprocal instead of dividing: a division costs several FMAs' time, once per row
            // and vector; the result differs from the quotient by at most an ulp.
            reciprocal[s] = shape == Shape.UnitLower ? T.One : T.One / mRow[row];
        }

        fixed (T* data = b.Data)
        fixed (int* rows = order)
        fixed (T* coefficient = coefficients)
        fixed (T* diag = reciprocal)
        {
            T* origin = data + b.Offset;
            nint ld = b.LeadingDimension;
            bool scale = shape != Shape.UnitLower;
            int c = 0;
            if (simd && Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
            {
                int w = Vector512<T>.Count;
                for (; c + (8 * w) <= b.Cols; c += 8 * w)
                {
                    Columns512x8(origin + c, ld, n, rows, coefficient, diag, scale);
                }

                for (; c + w <= b.Cols; c += w)
                {
                    Columns512(origin + c, ld, n, rows, coefficient, diag, scale);
                }
            }

            for (; c < b.Cols; c++)
            {
                Column(origin + c, ld, n, rows, coefficient, diag, scale);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Columns512x8<T>(T* b, nint ld, int n, int* rows, T* coefficients, T* reciprocals, bool scale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Eight independent FMA chains cover the FMA latency at two FMAs a cycle.
        int w = Vector512<T>.Count;
        for (int s = 0; s < n; s++)
        {
            T* target = b + (rows[s] * ld);
            Vector512<T> x0 = Vector512.Load(target), x1 = Vector512.Load(target + w);
            Vector512<T> x2 = Vector512.Load(target + (2 * w)), x3 = Vector512.Load(target + (3 * w));
            Vector512<T> x4 = Vector512.Load(target + (4 * w)), x5 = Vector512.Load(target + (5 * w));
            Vector512<T> x6 = Vector512.Load(target + (6 * w)), x7 = Vector512.Load(target + (7 * w));
            T* row = coefficients + (s * n);
            for (int t = 0; t < s; t++)
            {
                Vector512<T> factor = Vector512.Create(row[t]);
                T* solved = b + (rows[t] * ld);
                x0 = SubtractProduct(x0, factor, Vector512.Load(solved));
                x1 = SubtractProduct(x1, factor, Vector512.Load(solved + w));
                x2 = SubtractProduct(x2, factor, Vector512.Load(solved + (2 * w)));
                x3 = SubtractProduct(x3, factor, Vector512.Load(solved + (3 * w)));
                x4 = SubtractProduct(x4, factor, Vector512.Load(solved + (4 * w)));
                x5 = SubtractProduct(x5, factor, Vector512.Load(solved + (5 * w)));
                x6 = SubtractProduct(x6, factor, Vector512.Load(solved + (6 * w)));
                x7 = SubtractProduct(x7, factor, Vector512.Load(solved + (7 * w)));
            }

            if (scale)
            {
                Vector512<T> d = Vector512.Create(reciprocals[s]);
                x0 *= d; x1 *= d; x2 *= d; x3 *= d; x4 *= d; x5 *= d; x6 *= d; x7 *= d;
            }

            x0.Store(target); x1.Store(target + w); x2.Store(target + (2 * w)); x3.Store(target + (3 * w));
            x4.Store(target + (4 * w)); x5.Store(target + (5 * w)); x6.Store(target + (6 * w)); x7.Store(target + (7 * w));
        }
    }

    private static void Columns512<T>(T* b, nint ld, int n, int* rows, T* coefficients, T* reciprocals, bool scale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int s = 0; s < n; s++)
        {
            T* target = b + (rows[s] * ld);
            Vector512<T> x = Vector512.Load(target);
            T* row = coefficients + (s * n);
            for (int t = 0; t < s; t++)
            {
                x = SubtractProduct(x, Vector512.Create(row[t]), Vector512.Load(b + (rows[t] * ld)));
            }

            (scale ? x * Vector512.Create(reciprocals[s]) : x).Store(target);
        }
    }

    private static void Column<T>(T* b, nint ld, int n, int* rows, T* coefficients, T* reciprocals, bool scale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int s = 0; s < n; s++)
        {
            T* target = b + (rows[s] * ld);
            T x = *target;
            T* row = coefficients + (s * n);
            for (int t = 0; t < s; t++)
            {
                x -= row[t] * b[rows[t] * ld];
            }

            *target = scale ? x * reciprocals[s] : x;
        }
    }

    /// <summary>x − f·y, fused where the hardware has it (the JIT drops the branches for the other type).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> SubtractProduct<T>(Vector512<T> x, Vector512<T> f, Vector512<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(double))
        {
            return Vector512.FusedMultiplyAdd(-f.AsDouble(), y.AsDouble(), x.AsDouble()).As<double, T>();
        }

        if (typeof(T) == typeof(float))
        {
            return Vector512.FusedMultiplyAdd(-f.AsSingle(), y.AsSingle(), x.AsSingle()).As<float, T>();
        }

        return x - (f * y);
    }
}
