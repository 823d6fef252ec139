namespace GpuCompute.ServiceBench;

/// <summary>Checks a GEMM result from the service against the operands in double precision: Freivalds' test
/// (C·x against A·(B·x) for a random x) relative to |A|·|B|·|x|, within 16·u·√k.</summary>
public static class ResultCheck
{
    /// <summary>The relative error of row-major C (m×n) = A (m×k) · B (k×n), and its tolerance for f32 or f64.</summary>
    public static (double Error, double Tolerance) Gemm<T>(T[] a, T[] b, T[] c, int m, int n, int k, int seed = 7)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        double[] x = [.. Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.5)];
        double[] bx = new double[k], bxAbs = new double[k];
        for (int p = 0; p < k; p++)
        {
            for (int j = 0; j < n; j++)
            {
                double term = double.CreateTruncating(b[((long)p * n) + j]) * x[j];
                bx[p] += term;
                bxAbs[p] += Math.Abs(term);
            }
        }

        double worst = 0;
        for (int i = 0; i < m; i++)
        {
            double exact = 0, scale = 0, got = 0;
            for (int p = 0; p < k; p++)
            {
                double aip = double.CreateTruncating(a[((long)i * k) + p]);
                exact += aip * bx[p];
                scale += Math.Abs(aip) * bxAbs[p];
            }

            for (int j = 0; j < n; j++)
            {
                got += double.CreateTruncating(c[((long)i * n) + j]) * x[j];
            }

            worst = Math.Max(worst, Math.Abs(got - exact) / Math.Max(scale, double.Epsilon));
        }

        double u = Math.ScaleB(1, typeof(T) == typeof(float) ? -24 : -53);
        return (worst, 16 * u * Math.Sqrt(Math.Max(k, 1)));
    }

    /// <summary>Seeded random values in [-1, 1).</summary>
    public static T[] Random<T>(long count, int seed)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        var values = new T[count];
        for (long i = 0; i < count; i++)
        {
            values[i] = T.CreateTruncating((random.NextDouble() * 2) - 1);
        }

        return values;
    }
}
