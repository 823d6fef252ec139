using System.Numerics;
using GpuCompute.Matrices;

namespace GpuCompute.Cluster.Tests;

/// <summary>Seeded random matrices for the cluster tests: uniform in [-0.5, 0.5).</summary>
internal static class TestMatrices
{
    public static HostMatrix<T> Random<T>(int rows, int cols, int seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        var m = new HostMatrix<T>(rows, cols);
        for (int i = 0; i < m.Data.Length; i++)
        {
            m.Data[i] = T.CreateTruncating(random.NextDouble() - 0.5);
        }

        return m;
    }

    /// <summary>M·Mᵀ + n·I for a seeded random M: symmetric positive definite, well conditioned.</summary>
    public static HostMatrix<double> Spd(int n, int seed)
    {
        var m = Random<double>(n, n, seed);
        var a = new HostMatrix<double>(n, n);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = i == j ? n : 0;
                for (int p = 0; p < n; p++)
                {
                    sum += m[i, p] * m[j, p];
                }

                a[i, j] = sum;
            }
        }

        return a;
    }
}
