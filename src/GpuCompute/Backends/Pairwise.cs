namespace GpuCompute.Backends;

/// <summary>Combines partial results: sums pairwise (error growing with log₂ of the count), maxima propagating NaN.</summary>
internal static class Pairwise
{
    public static double Sum(ReadOnlySpan<double> values)
    {
        if (values.Length <= 8)
        {
            double sum = 0;
            foreach (double v in values)
            {
                sum += v;
            }

            return sum;
        }

        int half = values.Length / 2;
        return Sum(values[..half]) + Sum(values[half..]);
    }

    public static double Max(ReadOnlySpan<double> values)
    {
        double max = 0;
        foreach (double v in values)
        {
            max = MaxNaN(max, v);
        }

        return max;
    }

    public static double MaxNaN(double a, double b) => double.IsNaN(a) || a > b ? a : b;

    /// <summary>Combines per-piece partials of <paramref name="kind"/>.</summary>
    public static double Combine(ReductionKind kind, ReadOnlySpan<double> values) =>
        kind == ReductionKind.MaxAbs ? Max(values) : Sum(values);
}
