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
}
