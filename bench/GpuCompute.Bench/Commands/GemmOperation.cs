using System.CommandLine;
using System.Globalization;
using System.Numerics;
using GpuCompute.Bench.Inputs;
using GpuCompute.Matrices;

namespace GpuCompute.Bench.Commands;

/// <summary>
/// C ← α·op(A)·op(B) + β·C as <c>gemm</c> and <c>compare</c> take it: <c>--transa</c>, <c>--transb</c> (N or T),
/// <c>--alpha</c> and <c>--beta</c>, so every case is measured the same way.
/// </summary>
internal sealed record GemmOperation(Transpose OpA, Transpose OpB, double Alpha, double Beta)
{
    public static Option<string> TransAOption { get; } = new("--transa") { Description = "op(A): N (A) or T (Aᵀ).", DefaultValueFactory = _ => "N" };

    public static Option<string> TransBOption { get; } = new("--transb") { Description = "op(B): N (B) or T (Bᵀ).", DefaultValueFactory = _ => "N" };

    public static Option<string> AlphaOption { get; } = new("--alpha") { Description = "α (finite).", DefaultValueFactory = _ => "1" };

    public static Option<string> BetaOption { get; } = new("--beta") { Description = "β (finite); β ≠ 0 reads C, which starts random and is reset before every run.", DefaultValueFactory = _ => "0" };

    /// <summary>True for the plain product C = A·B.</summary>
    public bool IsPlain => OpA == Transpose.None && OpB == Transpose.None && Alpha == 1 && Beta == 0;

    /// <summary>How the operation reads, e.g. <c>C = 2·Aᵀ·B + 1·C</c>.</summary>
    public string Formula =>
        $"C = {(Alpha == 1 ? string.Empty : Format(Alpha) + "·")}{(OpA == Transpose.None ? "A" : "Aᵀ")}·{(OpB == Transpose.None ? "B" : "Bᵀ")}{(Beta == 0 ? string.Empty : $" + {Format(Beta)}·C")}";

    public static GemmOperation From(ParseResult parse) => new(
        Op(parse.GetValue(TransAOption)!, "--transa"),
        Op(parse.GetValue(TransBOption)!, "--transb"),
        Scalar(parse.GetValue(AlphaOption)!, "--alpha"),
        Scalar(parse.GetValue(BetaOption)!, "--beta"));

    /// <summary>Seeded random A and B stored so that op(A) is m × k and op(B) is k × n, and C (random when β ≠ 0).</summary>
    public (HostMatrix<T> A, HostMatrix<T> B, HostMatrix<T> C) Operands<T>(int m, int n, int k, int seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        HostMatrix<T> a = OpA == Transpose.None ? RandomMatrices.Create<T>(m, k, seed) : RandomMatrices.Create<T>(k, m, seed);
        HostMatrix<T> b = OpB == Transpose.None ? RandomMatrices.Create<T>(k, n, seed + 1) : RandomMatrices.Create<T>(n, k, seed + 1);
        HostMatrix<T> c = Beta == 0 ? new HostMatrix<T>(m, n) : RandomMatrices.Create<T>(m, n, seed + 2);
        return (a, b, c);
    }

    private static Transpose Op(string text, string option) => text.ToUpperInvariant() switch
    {
        "N" => Transpose.None,
        "T" => Transpose.Transposed,
        _ => throw new UsageException($"{option} must be N or T; got '{text}'."),
    };

    private static double Scalar(string text, string option) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)
            ? value
            : throw new UsageException($"{option} must be a finite number; got '{text}'.");

    private static string Format(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
