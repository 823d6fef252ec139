using System.Numerics;
using GpuCompute.Backends;
using GpuCompute.Backends.Cpu;
using NUnit.Framework;

namespace GpuCompute.Tests.Operations;

/// <summary>
/// The CPU device's own SIMD reduction cores against the <see cref="System.Numerics.Tensors.TensorPrimitives"/> path
/// (and a double reference), at sizes around the vector, block and chunk boundaries: arg-min/arg-max must agree exactly
/// (ties, zeros of both signs, NaNs anywhere), sums within the documented bound. Run once more with
/// DOTNET_EnableAVX512F=0 to cover the 256-bit lanes.
/// </summary>
public sealed class CpuReductionCoreTests
{
    private static readonly int[] Lengths = [1, 7, 63, 64, 65, 127, 128, 129, 1023, 1024, 1025, 4095, 4096, 4099, 5121, 7168, 8257, 32767, 32768, 32769, 100_003, 262_143, 262_144, 262_145, 600_001];

    [Test]
    public void Extreme_AgreesWithTensorPrimitives([ValueSource(nameof(Lengths))] int n, [Values] bool f64)
    {
        if (f64) { Extremes<double>(n); }
        else { Extremes<float>(n); }
    }

    [Test]
    public void Sums_WithinTheBlockBound([ValueSource(nameof(Lengths))] int n, [Values] bool f64)
    {
        if (f64) { Sums<double>(n); }
        else { Sums<float>(n); }
    }

    private static void Extremes<T>(int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(n);
        foreach (string pattern in new[] { "random", "ties", "zeros", "negative-zeros", "nan", "two-nans", "constant", "infinities" })
        {
            for (int trial = 0; trial < 4; trial++)
            {
                T[] x = Pattern<T>(pattern, n, random);
                foreach (bool max in new[] { false, true })
                {
                    (T Value, long Index) expected = Reference(x, max);
                    (T Value, long Index) actual = CpuReductions.Extreme(x, max, 2);
                    (T Value, long Index) baseline = CpuReductions.Extreme(x, max, 2, CpuReductions.Core.TensorPrimitives);
                    Assert.That(actual.Index, Is.EqualTo(expected.Index), $"{pattern}, n = {n}, max = {max}");
                    Assert.That(baseline.Index, Is.EqualTo(expected.Index), $"the reference itself, {pattern}, n = {n}, max = {max}");
                    Assert.That(actual.Value.Equals(expected.Value), Is.True);
                }
            }
        }
    }

    private static T[] Pattern<T>(string pattern, int n, Random random)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = new T[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = pattern switch
            {
                "ties" => T.CreateTruncating(random.Next(-3, 4)),
                "zeros" => random.Next(3) == 0 ? T.NegativeZero : random.Next(2) == 0 ? T.Zero : T.CreateTruncating(random.Next(0, 2) * 2 - 1),
                "negative-zeros" => T.NegativeZero,
                "constant" => T.CreateTruncating(2.5),
                "infinities" => random.Next(2) == 0 ? T.PositiveInfinity : T.NegativeInfinity,
                _ => T.CreateTruncating((random.NextDouble() * 2) - 1),
            };
        }

        if (pattern == "zeros" && n > 2)
        {
            // Only zeros of both signs (no ±1) in a run: the extreme is a zero, and its sign decides.
            for (int i = 0; i < n; i++)
            {
                x[i] = random.Next(4) == 0 ? T.NegativeZero : T.Zero;
            }

            x[random.Next(n)] = T.Zero;
        }

        if (pattern is "nan" or "two-nans")
        {
            x[random.Next(n)] = T.NaN;
            if (pattern == "two-nans")
            {
                x[random.Next(n)] = T.NaN;
            }
        }

        return x;
    }

    private static (T Value, long Index) Reference<T>(T[] x, bool max)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        (T Value, long Index) best = (T.Zero, -1);
        for (int i = 0; i < x.Length; i++)
        {
            if (Backends.Extremes.Prefer(max, x[i], i, best.Value, best.Index))
            {
                best = (x[i], i);
            }
        }

        return best;
    }

    private static void Sums<T>(int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(n + 1);
        T[] x = Pattern<T>("random", n, random), y = Pattern<T>("random", n, random);
        x[n / 2] = T.CreateTruncating(1000);
        double epsilon = typeof(T) == typeof(float) ? Math.ScaleB(1.0, -24) : Math.ScaleB(1.0, -53);
        double bound = (CpuReductions.Block / 16) + 2 + 1;
        foreach (ReductionKind kind in new[] { ReductionKind.Sum, ReductionKind.Dot, ReductionKind.AbsSum, ReductionKind.SquareSum, ReductionKind.MaxAbs })
        {
            foreach (double scale in new[] { 1.0, 0.25 })
            {
                // Neumaier-compensated reference: a plain double loop's own error (~√n·ε) exceeds the f64 bound past ~10⁵ terms.
                double expected = 0, compensation = 0, magnitude = 0;
                for (int i = 0; i < n; i++)
                {
                    double a = double.CreateTruncating(x[i]), b = double.CreateTruncating(y[i]);
                    double term = kind switch
                    {
                        ReductionKind.Sum => a,
                        ReductionKind.Dot => a * b,
                        ReductionKind.AbsSum => Math.Abs(a),
                        ReductionKind.SquareSum => (a * scale) * (a * scale),
                        _ => Math.Abs(a),
                    };
                    if (kind == ReductionKind.MaxAbs)
                    {
                        expected = Math.Max(expected, term);
                    }
                    else
                    {
                        double t = expected + term;
                        compensation += Math.Abs(expected) >= Math.Abs(term) ? (expected - t) + term : (term - t) + expected;
                        expected = t;
                    }

                    magnitude += Math.Abs(term);
                }

                expected += compensation;

                double actual = CpuReductions.Reduce(kind, x, kind == ReductionKind.Dot ? y : null, T.CreateTruncating(scale), 2);
                double tolerance = kind == ReductionKind.MaxAbs ? 0 : bound * epsilon * magnitude;
                Assert.That(actual, Is.EqualTo(expected).Within(tolerance), $"{kind}, scale {scale}, n = {n}");
            }
        }

        x[n - 1] = T.NaN;
        Assert.That(double.IsNaN(CpuReductions.Reduce(ReductionKind.MaxAbs, x, null, T.One, 2)), Is.True, "a NaN at the end");
        x[n - 1] = T.Zero;
        x[0] = T.NaN;
        Assert.That(double.IsNaN(CpuReductions.Reduce(ReductionKind.MaxAbs, x, null, T.One, 2)), Is.True, "a NaN at the start");
        Assert.That(double.IsNaN(CpuReductions.Reduce(ReductionKind.Sum, x, null, T.One, 2)), Is.True);
    }
}
