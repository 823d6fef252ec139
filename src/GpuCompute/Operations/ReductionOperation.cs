using System.Numerics;
using GpuCompute.Backends;
using GpuCompute.Data;
using GpuCompute.Scheduling;

namespace GpuCompute.Operations;

/// <summary>
/// Reductions of device vectors (arguments validated by the engine): each device reduces its part in double, the
/// parts are combined pairwise on the host; the 2-norm rescales when the squares could have overflowed or underflowed,
/// and the extremes keep the first index on ties and the first NaN.
/// </summary>
internal static class ReductionOperation
{
    /// <summary>One reduction of <paramref name="kind"/> over every part, combined in double.</summary>
    public static double Reduce<T>(ReductionKind kind, DeviceVector<T> x, DeviceVector<T>? y, double scale, string operation, out OperationReport report)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var partials = new double[x.Layout.Parts.Count];
        report = PartExecution.Run(x.Layout, operation, p => partials[p] = x.Layout.Parts[p].Device.Reduce(kind, x.Storage.Part(p), y?.Storage.Part(p), scale));
        return Pairwise.Combine(kind, partials);
    }

    /// <summary>
    /// √(Σ x²): one pass sums the squares as they are; only when that overflowed, or came out so small that squares may
    /// have underflowed (below the smallest normal number divided by ε, zero included), two more passes find max |x| and
    /// sum the squares of x scaled by the power of two that brings max |x| to [1, 2) (exact, so it adds no rounding).
    /// </summary>
    public static T Norm2<T>(DeviceVector<T> x, out OperationReport report)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double squares = Reduce(ReductionKind.SquareSum, x, null, 1.0, "a 2-norm", out report);
        double underflowRisk = typeof(T) == typeof(float) ? Math.ScaleB(1.0, -126 + 23) : Math.ScaleB(1.0, -1022 + 52);
        if (double.IsNaN(squares) || (squares >= underflowRisk && !double.IsInfinity(squares)))
        {
            return T.CreateTruncating(Math.Sqrt(squares));
        }

        double largest = Reduce(ReductionKind.MaxAbs, x, null, 1.0, "a 2-norm", out OperationReport second);
        report = report.Then(second);
        if (largest == 0 || !double.IsFinite(largest))
        {
            return T.CreateTruncating(largest);
        }

        int maxExponent = typeof(T) == typeof(float) ? 127 : 1023;
        int shift = Math.Clamp(-Math.ILogB(largest), -maxExponent, maxExponent);
        double scaled = Reduce(ReductionKind.SquareSum, x, null, Math.ScaleB(1.0, shift), "a 2-norm", out OperationReport third);
        report = report.Then(third);
        return T.CreateTruncating(Math.ScaleB(Math.Sqrt(scaled), -shift));
    }

    /// <summary>The first extreme element of a non-empty vector and its global index (the first NaN if any).</summary>
    public static IndexedValue<T> Extreme<T>(DeviceVector<T> x, bool max, out OperationReport report)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var parts = new (T Value, long Index)[x.Layout.Parts.Count];
        report = PartExecution.Run(x.Layout, max ? "a maximum" : "a minimum", p =>
        {
            var (value, index) = x.Layout.Parts[p].Device.Extreme(x.Storage.Part(p), max);
            parts[p] = (value, index < 0 ? -1 : x.Storage.FirstElement(p) + index);
        });

        (T Value, long Index) best = (T.Zero, -1);
        foreach (var part in parts)
        {
            if (Extremes.Prefer(max, part.Value, part.Index, best.Value, best.Index))
            {
                best = part;
            }
        }

        return new IndexedValue<T>(best.Value, best.Index);
    }
}
