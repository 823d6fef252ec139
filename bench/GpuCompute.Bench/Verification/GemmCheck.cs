using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using GpuCompute.Bench.Commands;
using GpuCompute.Matrices;

namespace GpuCompute.Bench.Verification;

/// <summary>The result of checking C = α·op(A)·op(B) + β·C₀ against a double-precision reference.</summary>
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
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Run(new GemmOperation(Transpose.None, Transpose.None, 1, 0), a, b, new HostMatrix<T>(c.Rows, c.Cols), c, seed);

    /// <summary>Checks C = α·op(A)·op(B) + β·C₀ (<paramref name="c0"/> is C before the product).</summary>
    public static GemmCheck Run<T>(GemmOperation op, HostMatrix<T> a, HostMatrix<T> b, HostMatrix<T> c0, HostMatrix<T> c, int seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Checked on op(A) and op(B) themselves: transposed copies in double cost O(mk + kn), like reading them.
        double[,] ad = ToDouble(a, op.OpA), bd = ToDouble(b, op.OpB);
        int m = c.Rows, k = ad.GetLength(1), n = c.Cols;
        double unit = typeof(T) == typeof(float) ? Math.Pow(2, -24) : Math.Pow(2, -53);
        double tolerance = 16 * unit * Math.Sqrt(Math.Max(k, 1));
        bool full = (double)m * n * k <= FullCheckLimit;
        double error = full ? FullError(op, ad, bd, c0, c) : FreivaldsError(op, ad, bd, c0, c, seed);
        return new GemmCheck(full ? "full" : "freivalds", error, tolerance);
    }

    /// <summary>‖C − (α·A·B + β·C₀)‖_F / ‖α·A·B + β·C₀‖_F, formed in double, one row per task.</summary>
    private static double FullError<T>(GemmOperation op, double[,] a, double[,] b, HostMatrix<T> c0, HostMatrix<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = c.Rows, k = a.GetLength(1), n = c.Cols;
        double diff = 0, norm = 0;
        object gate = new();
        Parallel.For(0, m, () => (Diff: 0.0, Norm: 0.0, Row: new double[n]), (i, _, acc) =>
        {
            Array.Clear(acc.Row);
            for (int p = 0; p < k; p++)
            {
                // A rectangular array is one block, row after row: row p of B is n doubles from b[p, 0].
                TensorPrimitives.MultiplyAdd(MemoryMarshal.CreateReadOnlySpan(ref b[p, 0], n), a[i, p], acc.Row, acc.Row);
            }

            Span<T> cRow = c.Row(i), c0Row = c0.Row(i);
            for (int j = 0; j < n; j++)
            {
                double want = (op.Alpha * acc.Row[j]) + (op.Beta == 0 ? 0 : op.Beta * double.CreateTruncating(c0Row[j]));
                double d = double.CreateTruncating(cRow[j]) - want;
                acc.Diff += d * d;
                acc.Norm += want * want;
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

    /// <summary>max over two random ±1 vectors x of ‖C·x − (α·A·(B·x) + β·C₀·x)‖ / ‖α·A·(B·x) + β·C₀·x‖, in double: O(mn + nk + mk) work.</summary>
    private static double FreivaldsError<T>(GemmOperation op, double[,] a, double[,] b, HostMatrix<T> c0, HostMatrix<T> c, int seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        double worst = 0;
        for (int probe = 0; probe < 2; probe++)
        {
            double[] x = Enumerable.Range(0, c.Cols).Select(_ => random.Next(2) == 0 ? -1.0 : 1.0).ToArray();
            double[] abx = Apply(a, Apply(b, x));
            double[] c0x = op.Beta == 0 ? new double[c.Rows] : Apply(c0, x);
            double[] cx = Apply(c, x);
            double diff = 0, norm = 0;
            for (int i = 0; i < cx.Length; i++)
            {
                double want = (op.Alpha * abx[i]) + (op.Beta * c0x[i]);
                diff += (cx[i] - want) * (cx[i] - want);
                norm += want * want;
            }

            worst = Math.Max(worst, Ratio(diff, norm));
        }

        return worst;
    }

    private static double[] Apply(double[,] matrix, double[] x)
    {
        var y = new double[matrix.GetLength(0)];
        Parallel.For(0, y.Length, i =>
        {
            double sum = 0;
            for (int j = 0; j < x.Length; j++)
            {
                sum += matrix[i, j] * x[j];
            }

            y[i] = sum;
        });
        return y;
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

    /// <summary>op(<paramref name="matrix"/>) in double.</summary>
    private static double[,] ToDouble<T>(HostMatrix<T> matrix, Transpose op)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool t = op == Transpose.Transposed;
        var result = new double[t ? matrix.Cols : matrix.Rows, t ? matrix.Rows : matrix.Cols];
        for (int i = 0; i < matrix.Rows; i++)
        {
            Span<T> row = matrix.Row(i);
            for (int j = 0; j < row.Length; j++)
            {
                result[t ? j : i, t ? i : j] = double.CreateTruncating(row[j]);
            }
        }

        return result;
    }

    private static double Ratio(double diff, double norm) => norm > 0 ? Math.Sqrt(diff / norm) : Math.Sqrt(diff);
}
