using System.Numerics;
using GpuCompute.Matrices;

namespace GpuCompute.Tests.Support;

/// <summary>Seeded random matrices for tests: uniform in [-1, 1), optionally inside a larger array (strided views).</summary>
internal static class TestMatrices
{
    /// <summary>A contiguous rows × cols matrix of uniform values from <paramref name="seed"/>.</summary>
    public static HostMatrix<T> Random<T>(int rows, int cols, int seed)
        where T : unmanaged, IFloatingPointIeee754<T> => Random<T>(rows, cols, seed, padding: 0);

    /// <summary>
    /// A rows × cols view with leading dimension cols + <paramref name="padding"/> at a non-zero offset; the padding
    /// and the space around the view hold NaN, so a kernel that reads outside the view poisons its result.
    /// </summary>
    public static HostMatrix<T> Random<T>(int rows, int cols, int seed, int padding)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        int ld = Math.Max(1, cols + padding);
        int offset = padding > 0 ? 3 : 0;
        var data = new T[offset + (rows * ld) + padding];
        Array.Fill(data, padding > 0 ? T.NaN : T.Zero);
        var matrix = new HostMatrix<T>(data, rows, cols, ld, offset);
        for (int i = 0; i < rows; i++)
        {
            Span<T> row = matrix.Row(i);
            for (int j = 0; j < cols; j++)
            {
                row[j] = T.CreateTruncating((random.NextDouble() * 2.0) - 1.0);
            }
        }

        return matrix;
    }
}
