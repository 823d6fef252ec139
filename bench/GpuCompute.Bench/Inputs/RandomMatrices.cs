using System.Numerics;
using GpuCompute.Matrices;

namespace GpuCompute.Bench.Inputs;

/// <summary>The inputs of every bench run and benchmark: matrices of uniform values in [-1, 1) from a seeded generator.</summary>
internal static class RandomMatrices
{
    public static HostMatrix<T> Create<T>(int rows, int cols, Random random)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var matrix = new HostMatrix<T>(rows, cols);
        T[] data = matrix.Data;
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = T.CreateTruncating((random.NextDouble() * 2.0) - 1.0);
        }

        return matrix;
    }

    public static HostMatrix<T> Create<T>(int rows, int cols, int seed)
        where T : unmanaged, IFloatingPointIeee754<T> => Create<T>(rows, cols, new Random(seed));
}
