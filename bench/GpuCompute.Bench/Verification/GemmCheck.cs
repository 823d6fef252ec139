using System.Numerics;
using System.Numerics.Tensors;
using GpuCompute.Matrices;

namespace GpuCompute.Bench.Verification;

/// <summary>The result of checking C = A·B against a double-precision reference.</summary>
/// <param name="Method"><c>full</c> (every element) or <c>freivalds</c> (randomized, for large products).</param>
/// <param name="RelativeError">‖C − C_ref‖ / ‖C_ref‖ (Frobenius for full; of C·x for Freivalds).</param>
/// <param name="Tolerance">The largest error accepted: 16·u·√K, u the unit roundoff of the precision.</param>
internal sealed record GemmCheck(string Method, double RelativeError, double Tolerance)
{
    /// <summary>Products up to 1024³ multiply-adds are checked in full; larger ones by Freivalds' method.</summary>
    private const double FullCheckLimit = 1024.0 * 1024 * 1024;

    public bool Verified => RelativeError <= Tolerance;

    /// <summary>Checks C = A·B: in full for small products, otherwise with two seeded Freivalds probes.</summary>
    public static GemmCheck Run<T>(HostMatrix<T> a, HostMatrix<T> b, HostMatrix<T> c, int seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = a.Rows, k = a.Cols, n = b.Cols;
        double unit = typeof(T) == typeof(float) ? Math.Pow(2, -24) : Math.Pow(2, -53);
        double tolerance = 16 * unit * Math.Sqrt(Math.Max(k, 1));
        bool full = (double)m * n * k <= FullCheckLimit;
        double error = full ? FullError(a, b, c) : FreivaldsError(a, b, c, seed);
        return new GemmCheck(full ? "full" : "freivalds", error, tolerance);
    }

    /// <summary>‖C − A·B‖_F / ‖A·B‖_F with A·B formed in double, one row per task.</summary>
    private static double FullError<T>(HostMatrix<T> a, HostMatrix<T> b, HostMatrix<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = a.Rows, k = a.Cols, n = b.Cols;
        double[] bd = ToDouble(b);
        double diff = 0, norm = 0;
        object gate = new();
        Parallel.For(0, m, () => (Diff: 0.0, Norm: 0.0, Row: new double[n]), (i, _, acc) =>
        {
            Array.Clear(acc.Row);
            Span<T> aRow = a.Row(i);
            for (int p = 0; p < k; p++)
            {
                TensorPrimitives.MultiplyAdd(bd.AsSpan(p * n, n), double.CreateTruncating(aRow[p]), acc.Row, acc.Row);
            }

            Span<T> cRow = c.Row(i);
            for (int j = 0; j < n; j++)
            {
                double d = double.CreateTruncating(cRow[j]) - acc.Row[j];
                acc.Diff += d * d;
                acc.Norm += acc.Row[j] * acc.Row[j];
            }

            return acc;
        }, acc =>
        {
            lock (gate)
            {
                diff += acc.Diff;
                norm += acc.Norm;
            }
        });
        return Ratio(diff, norm);
    }

    /// <summary>max over two random ±1 vectors x of ‖C·x − A·(B·x)‖ / ‖A·(B·x)‖, in double: O(mn + nk + mk) work.</summary>
    private static double FreivaldsError<T>(HostMatrix<T> a, HostMatrix<T> b, HostMatrix<T> c, int seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        double worst = 0;
        for (int probe = 0; probe < 2; probe++)
        {
            double[] x = Enumerable.Range(0, b.Cols).Select(_ => random.Next(2) == 0 ? -1.0 : 1.0).ToArray();
            double[] bx = Apply(b, x);
            double[] abx = Apply(a, bx);
            double[] cx = Apply(c, x);
            double diff = 0, norm = 0;
            for (int i = 0; i < cx.Length; i++)
            {
                diff += (cx[i] - abx[i]) * (cx[i] - abx[i]);
                norm += abx[i] * abx[i];
            }

            worst = Math.Max(worst, Ratio(diff, norm));
        }

        return worst;
    }

    private static double[] Apply<T>(HostMatrix<T> matrix, double[] x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var y = new double[matrix.Rows];
        Parallel.For(0, matrix.Rows, i =>
        {
            Span<T> row = matrix.Row(i);
            double sum = 0;
            for (int j = 0; j < row.Length; j++)
            {
                sum += double.CreateTruncating(row[j]) * x[j];
            }

            y[i] = sum;
        });
        return y;
    }

    private static double[] ToDouble<T>(HostMatrix<T> matrix)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var result = new double[(long)matrix.Rows * matrix.Cols];
        for (int i = 0; i < matrix.Rows; i++)
        {
            Span<T> row = matrix.Row(i);
            for (int j = 0; j < row.Length; j++)
            {
                result[((long)i * matrix.Cols) + j] = double.CreateTruncating(row[j]);
            }
        }

        return result;
    }

    private static double Ratio(double diff, double norm) => norm > 0 ? Math.Sqrt(diff / norm) : Math.Sqrt(diff);
}
