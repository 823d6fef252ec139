using System.Numerics;
using GpuCompute.Factorizations;
using GpuCompute.Matrices;
using NUnit.Framework;

namespace GpuCompute.Tests.Factorizations;

/// <summary>
/// The small triangular solve under every TRSM: each triangle (L, unit L, U, Lᵀ), orders around the vector widths,
/// right-hand sides around the 8- and 1-vector column blocks (so every path and remainder runs), the SIMD and the
/// portable path, on strided views; checked against a double-precision residual, with the triangle's other half (and
/// a unit diagonal) NaN so that reading it would show, and the elements around the view untouched.
/// </summary>
public sealed class TriangularBlockTests
{
    private static readonly int[] Orders = [1, 2, 7, 16, 31, 32, 33, 64];
    private static readonly int[] Columns = [1, 7, 8, 15, 16, 17, 63, 64, 65, 127, 128, 129, 200];

    private static IEnumerable<TestCaseData> Cases() =>
        from shape in Enum.GetValues<TriangularBlock.Shape>()
        from n in Orders
        from simd in new[] { true, false }
        select new TestCaseData(shape.ToString(), n, simd);

    [TestCaseSource(nameof(Cases))]
    public void SolvesDouble(string shape, int n, bool simd) => Solves<double>(Enum.Parse<TriangularBlock.Shape>(shape), n, simd);

    [TestCaseSource(nameof(Cases))]
    public void SolvesSingle(string shape, int n, bool simd) => Solves<float>(Enum.Parse<TriangularBlock.Shape>(shape), n, simd);

    [Test]
    public void RefusesAnOrderAboveItsLimit()
    {
        var m = new HostMatrix<double>(TriangularBlock.MaxOrder + 1, TriangularBlock.MaxOrder + 1);
        var b = new HostMatrix<double>(TriangularBlock.MaxOrder + 1, 3);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => TriangularBlock.Solve(m, b, TriangularBlock.Shape.Lower));
        Assert.That(e!.Message, Does.Contain("65").And.Contain("64"));
    }

    private static void Solves<T>(TriangularBlock.Shape shape, int n, bool simd)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random((n * 31) + (int)shape);
        var m = Triangle<T>(shape, n, random);
        double unit = typeof(T) == typeof(float) ? Math.ScaleB(1, -24) : Math.ScaleB(1, -53);
        foreach (int cols in Columns)
        {
            // B is a view into a larger buffer: offset 5, leading dimension cols + 3.
            int ld = cols + 3;
            var data = new T[5 + (n * ld) + 4];
            for (int i = 0; i < data.Length; i++)
            {
                data[i] = T.CreateTruncating(random.NextDouble() - 0.5);
            }

            var sentinel = (T[])data.Clone();
            var b = new HostMatrix<T>(data, n, cols, ld, offset: 5);
            var b0 = b.Clone();
            TriangularBlock.Solve(m, b, shape, simd);

            // Residual M·X − B₀ in double, against c·n·u·(|M|·|X|) elementwise with c = 4.
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < cols; j++)
                {
                    double sum = 0, scale = 0;
                    for (int p = 0; p < n; p++)
                    {
                        double coefficient = Coefficient(m, shape, i, p);
                        double x = double.CreateTruncating(b[p, j]);
                        sum += coefficient * x;
                        scale += Math.Abs(coefficient * x);
                    }

                    double residual = Math.Abs(sum - double.CreateTruncating(b0[i, j]));
                    Assert.That(residual, Is.LessThanOrEqualTo((4 * n * unit * scale) + double.Epsilon), $"{shape} n={n} cols={cols} at ({i}, {j})");
                }
            }

            for (int i = 0; i < data.Length; i++)
            {
                int row = (i - 5) / ld, col = (i - 5) % ld;
                bool inside = i >= 5 && row < n && col < cols;
                if (!inside)
                {
                    Assert.That(data[i], Is.EqualTo(sentinel[i]), $"element {i} outside the view was written ({shape} n={n} cols={cols})");
                }
            }
        }
    }

    /// <summary>The coefficient of the solved system at (i, p): M's triangle, with a unit diagonal where the shape
    /// says so.</summary>
    private static double Coefficient<T>(HostMatrix<T> m, TriangularBlock.Shape shape, int i, int p)
        where T : unmanaged, IFloatingPointIeee754<T> => shape switch
    {
        TriangularBlock.Shape.Lower => p <= i ? double.CreateTruncating(m[i, p]) : 0,
        TriangularBlock.Shape.UnitLower => p < i ? double.CreateTruncating(m[i, p]) : p == i ? 1 : 0,
        TriangularBlock.Shape.Upper => p >= i ? double.CreateTruncating(m[i, p]) : 0,
        _ => p >= i ? double.CreateTruncating(m[p, i]) : 0, // Lᵀ
    };

    /// <summary>A well-conditioned triangle (diagonal 1…2 with random signs below it), the rest NaN.</summary>
    private static HostMatrix<T> Triangle<T>(TriangularBlock.Shape shape, int n, Random random)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var m = new HostMatrix<T>(n, n);
        bool upper = shape == TriangularBlock.Shape.Upper;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                bool used = i == j ? shape != TriangularBlock.Shape.UnitLower : upper ? j > i : j < i;
                double value = i == j ? (1 + random.NextDouble()) * (random.Next(2) == 0 ? -1 : 1) : (random.NextDouble() - 0.5) / Math.Sqrt(n);
                m[i, j] = used ? T.CreateTruncating(value) : T.NaN;
            }
        }

        return m;
    }
}
