using System.Globalization;
using System.Numerics;
using GpuCompute.Matrices;

namespace GpuCompute.Verification;

/// <summary>
/// A plain triple-loop GEMM in double precision: the reference that tests and the CLI's <c>verify</c> command compare
/// every device's results with. Slow (O(mnk) with bounds checks) and meant for small products.
/// </summary>
internal static class ReferenceGemm
{
    /// <summary>
    /// Returns α·op(A)·op(B) + β·C0 in double precision with BLAS's reference semantics (β = 0 ignores C0 entirely; α = 0
    /// ignores A and B entirely, so NaN in them does not matter), with, per element, the magnitude |α|·Σ|a||b| + |β||c|
    /// that bounds its rounding error.
    /// </summary>
    public static Expected Compute<T>(
        T alpha, HostMatrix<T> a, Transpose opA, HostMatrix<T> b, Transpose opB, T beta, HostMatrix<T> c0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = c0.Rows, n = c0.Cols, k = opA == Transpose.None ? a.Cols : a.Rows;
        double al = double.CreateTruncating(alpha), be = double.CreateTruncating(beta);
        var values = new double[m, n];
        var magnitudes = new double[m, n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0, abs = 0;
                for (int p = 0; al != 0 && p < k; p++)
                {
                    double x = double.CreateTruncating(opA == Transpose.None ? a[i, p] : a[p, i]);
                    double y = double.CreateTruncating(opB == Transpose.None ? b[p, j] : b[j, p]);
                    sum += x * y;
                    abs += Math.Abs(x * y);
                }

                double c = be == 0 ? 0 : double.CreateTruncating(c0[i, j]);
                values[i, j] = al == 0 ? be * c : be == 0 ? al * sum : (al * sum) + (be * c);
                magnitudes[i, j] = (Math.Abs(al) * abs) + (be == 0 ? 0 : Math.Abs(be * c));
            }
        }

        return new Expected(values, magnitudes, k);
    }

    /// <summary>The reference result of one GEMM and the per-element magnitudes that scale its tolerance.</summary>
    internal sealed record Expected(double[,] Values, double[,] Magnitudes, int K)
    {
        /// <summary>
        /// Describes the first element of <paramref name="actual"/> outside the standard forward error bound of a
        /// K-term dot product, |Δ| ≤ 2·(K + 2)·u·(|α|·Σ|a||b| + |β||c|) with u the unit roundoff of
        /// <typeparamref name="T"/>, or returns null when every element is within it. NaN must stay NaN and
        /// infinities must match.
        /// </summary>
        public string? FirstMismatch<T>(HostMatrix<T> actual)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (actual.Rows != Values.GetLength(0) || actual.Cols != Values.GetLength(1))
            {
                return $"C is {actual.Rows} x {actual.Cols}, expected {Values.GetLength(0)} x {Values.GetLength(1)}";
            }

            double unit = typeof(T) == typeof(float) ? 5.97e-8 : 1.12e-16;
            for (int i = 0; i < actual.Rows; i++)
            {
                for (int j = 0; j < actual.Cols; j++)
                {
                    double got = double.CreateTruncating(actual[i, j]);
                    double want = Values[i, j];
                    double tolerance = 2 * (K + 2) * unit * Magnitudes[i, j];
                    bool ok = double.IsNaN(want) ? double.IsNaN(got)
                        : double.IsInfinity(want) ? got == want
                        : Math.Abs(got - want) <= tolerance;
                    if (!ok)
                    {
                        return string.Create(
                            CultureInfo.InvariantCulture,
                            $"C[{i},{j}] = {got}, expected {want} (|diff| {Math.Abs(got - want):E3} > tolerance {tolerance:E3})");
                    }
                }
            }

            return null;
        }
    }
}
