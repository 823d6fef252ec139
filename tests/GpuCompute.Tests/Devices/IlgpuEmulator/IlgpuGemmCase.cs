using System.Numerics;
using GpuCompute.Backends;
using GpuCompute.Gemm;
using GpuCompute.Matrices;
using GpuCompute.Tests.Support;
using GpuCompute.Verification;
using NUnit.Framework;

namespace GpuCompute.Tests.Devices.IlgpuEmulator;

/// <summary>
/// One GEMM scenario for an ILGPU device, run through <see cref="ComputeDevice.RunGemmTile{T}"/> and checked against
/// <see cref="ReferenceGemm"/>. Shared by the emulator and the GPU fixtures so both run the same cases.
/// </summary>
/// <param name="M">Rows of C.</param>
/// <param name="N">Columns of C.</param>
/// <param name="K">Inner dimension.</param>
/// <param name="OpA">op(A).</param>
/// <param name="OpB">op(B).</param>
/// <param name="Alpha">α.</param>
/// <param name="Beta">β (0: C starts as NaN and must never be read).</param>
/// <param name="Padding">Extra NaN columns per row of every operand (strided views), 0 for contiguous ones.</param>
/// <param name="TileRows">Rows per tile the C is split into (0: one tile covering C).</param>
/// <param name="TileCols">Columns per tile (0: one tile covering C).</param>
public sealed record IlgpuGemmCase(
    int M, int N, int K, Transpose OpA, Transpose OpB, double Alpha, double Beta, int Padding = 0, int TileRows = 0, int TileCols = 0)
{
    public string Name =>
        $"{M}x{N}x{K}_{Op(OpA)}{Op(OpB)}_a{Alpha}_b{Beta}" + (Padding > 0 ? $"_pad{Padding}" : string.Empty)
        + (TileRows > 0 ? $"_tiles{TileRows}x{TileCols}" : string.Empty);

    /// <summary>The small cases the emulator can afford (one OS thread per simulated thread): block edges of the
    /// 32 × 32 emulator block (31, 32, 33), degenerate sizes, odd primes, all transposes, α/β, NaN C, strided views.</summary>
    public static IEnumerable<IlgpuGemmCase> Small()
    {
        const Transpose n = Transpose.None, t = Transpose.Transposed;
        yield return new(0, 0, 0, n, n, 1, 0);
        yield return new(0, 7, 5, n, n, 1, 0);
        yield return new(7, 0, 5, t, t, 1, 1);
        yield return new(5, 7, 0, n, n, 1.5, 0.5);
        yield return new(6, 4, 0, t, n, 2, 0);
        yield return new(1, 1, 1, n, n, 1, 0);
        yield return new(1, 1, 1, t, t, -2, 3);
        yield return new(1, 17, 9, n, t, 1, 0);
        yield return new(17, 1, 9, t, n, 1, 1);
        foreach (Transpose opA in new[] { n, t })
        {
            foreach (Transpose opB in new[] { n, t })
            {
                yield return new(17, 31, 13, opA, opB, 1, 0);
                yield return new(31, 33, 32, opA, opB, 0.5, -1.25);
                yield return new(33, 17, 37, opA, opB, -1, 0, Padding: 3);
            }
        }

        yield return new(32, 32, 32, n, n, 1, 0);
        yield return new(33, 33, 33, t, n, 1, 2);
        yield return new(31, 31, 31, n, t, 2, 0);
        yield return new(37, 40, 8, n, n, 1, 1, Padding: 1);
        yield return new(29, 23, 19, t, t, 0.75, 0.5, Padding: 2);
        yield return new(3, 40, 40, n, n, 1, 0);
        yield return new(40, 3, 40, t, t, 1, 0);
        yield return new(5, 5, 5, n, n, 0, 1);

        // Several tiles of one C: every tile must read its own rows of A / columns of B and write only its block.
        yield return new(37, 29, 19, n, n, 1, 0.5, Padding: 2, TileRows: 16, TileCols: 11);
        yield return new(29, 37, 21, t, t, -1, 0, TileRows: 13, TileCols: 32);
    }

    /// <summary>Builds the operands, runs every tile on <paramref name="device"/> and checks C and the padding.</summary>
    public void Run<T>(ComputeDevice device, int seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        HostMatrix<T> a = OpA == Transpose.None
            ? TestMatrices.Random<T>(M, K, seed, Padding)
            : TestMatrices.Random<T>(K, M, seed, Padding);
        HostMatrix<T> b = OpB == Transpose.None
            ? TestMatrices.Random<T>(K, N, seed + 1, Padding)
            : TestMatrices.Random<T>(N, K, seed + 1, Padding);
        HostMatrix<T> c = TestMatrices.Random<T>(M, N, seed + 2, Padding);
        if (Beta == 0)
        {
            c.Fill(T.NaN); // BLAS semantics: β = 0 never reads C, so NaN must not leak into the result.
        }

        T alpha = T.CreateTruncating(Alpha), beta = T.CreateTruncating(Beta);
        ReferenceGemm.Expected expected = ReferenceGemm.Compute(alpha, a, OpA, b, OpB, beta, c);
        T[] before = (T[])c.Data.Clone();

        var problem = GemmProblem<T>.Create(alpha, a, OpA, b, OpB, beta, c);
        int tileRows = TileRows > 0 ? TileRows : Math.Max(1, M);
        int tileCols = TileCols > 0 ? TileCols : Math.Max(1, N);
        for (int row = 0; row < M || (row == 0 && M == 0); row += tileRows)
        {
            for (int col = 0; col < N || (col == 0 && N == 0); col += tileCols)
            {
                device.RunGemmTile(problem, new GemmTile(row, col, Math.Min(tileRows, M - row), Math.Min(tileCols, N - col)), CancellationToken.None);
            }

            if (M == 0)
            {
                break;
            }
        }

        string context = $"{device.Id} {typeof(T).Name} {Name}";
        expected.AssertMatches(c, context);
        AssertOutsideUntouched(c, before, context);
    }

    private static string Op(Transpose op) => op == Transpose.None ? "N" : "T";

    /// <summary>Everything in C's array outside the view (padding, prefix, suffix) must be bit-for-bit unchanged.</summary>
    private static void AssertOutsideUntouched<T>(HostMatrix<T> c, T[] before, string context)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int index = 0; index < before.Length; index++)
        {
            int relative = index - c.Offset;
            bool inside = relative >= 0 && c.Cols > 0 && relative / c.LeadingDimension < c.Rows
                && relative % c.LeadingDimension < c.Cols;
            if (!inside && !(T.IsNaN(before[index]) ? T.IsNaN(c.Data[index]) : before[index] == c.Data[index]))
            {
                Assert.Fail($"{context}: element {index} of C's array, outside the view, changed from {before[index]} to {c.Data[index]}.");
            }
        }
    }
}
