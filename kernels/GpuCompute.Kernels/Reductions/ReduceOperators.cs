using ILGPU;

namespace GpuCompute.Kernels.Reductions;

/// <summary>Σ x (and Σ x·y for pairs).</summary>
internal readonly struct SumReduction : IReduceOperator<float>, IReduceOperator<double>
{
    /// <inheritdoc/>
    public float Load(float x) => x;

    /// <inheritdoc/>
    public float Load(float x, float y) => x * y;

    /// <inheritdoc/>
    public float Combine(float a, float b) => a + b;

    /// <inheritdoc/>
    public double Load(double x) => x;

    /// <inheritdoc/>
    public double Load(double x, double y) => x * y;

    /// <inheritdoc/>
    public double Combine(double a, double b) => a + b;

    /// <inheritdoc/>
    public ReduceAccumulator<float> Accumulate(ReduceAccumulator<float> accumulator, float term) => Compensated.Add(accumulator, term);

    /// <inheritdoc/>
    public float Finish(ReduceAccumulator<float> accumulator) => accumulator.Value + accumulator.Carry;

    /// <inheritdoc/>
    public ReduceAccumulator<double> Accumulate(ReduceAccumulator<double> accumulator, double term) => Compensated.Add(accumulator, term);

    /// <inheritdoc/>
    public double Finish(ReduceAccumulator<double> accumulator) => accumulator.Value + accumulator.Carry;
}

/// <summary>Σ |x|.</summary>
internal readonly struct AbsSumReduction : IReduceOperator<float>, IReduceOperator<double>
{
    /// <inheritdoc/>
    public float Load(float x) => Math.Abs(x);

    /// <inheritdoc/>
    public float Load(float x, float y) => Math.Abs(x * y);

    /// <inheritdoc/>
    public float Combine(float a, float b) => a + b;

    /// <inheritdoc/>
    public double Load(double x) => Math.Abs(x);

    /// <inheritdoc/>
    public double Load(double x, double y) => Math.Abs(x * y);

    /// <inheritdoc/>
    public double Combine(double a, double b) => a + b;

    /// <inheritdoc/>
    public ReduceAccumulator<float> Accumulate(ReduceAccumulator<float> accumulator, float term) => Compensated.Add(accumulator, term);

    /// <inheritdoc/>
    public float Finish(ReduceAccumulator<float> accumulator) => accumulator.Value + accumulator.Carry;

    /// <inheritdoc/>
    public ReduceAccumulator<double> Accumulate(ReduceAccumulator<double> accumulator, double term) => Compensated.Add(accumulator, term);

    /// <inheritdoc/>
    public double Finish(ReduceAccumulator<double> accumulator) => accumulator.Value + accumulator.Carry;
}

/// <summary>Σ (s·x)², with s a power of two chosen by the caller to keep the squares in range (1 for the fast pass).</summary>
/// <param name="scale">The factor applied before squaring.</param>
internal readonly struct SquareSumReduction(double scale) : IReduceOperator<float>, IReduceOperator<double>
{
    private readonly float singleScale = (float)scale;

    /// <summary>The factor applied before squaring.</summary>
    public double Scale { get; } = scale;

    /// <inheritdoc/>
    public float Load(float x)
    {
        float s = singleScale * x;
        return s * s;
    }

    /// <inheritdoc/>
    public float Load(float x, float y) => Load(x) + Load(y);

    /// <inheritdoc/>
    public float Combine(float a, float b) => a + b;

    /// <inheritdoc/>
    public double Load(double x)
    {
        double s = Scale * x;
        return s * s;
    }

    /// <inheritdoc/>
    public double Load(double x, double y) => Load(x) + Load(y);

    /// <inheritdoc/>
    public double Combine(double a, double b) => a + b;

    /// <inheritdoc/>
    public ReduceAccumulator<float> Accumulate(ReduceAccumulator<float> accumulator, float term) => Compensated.Add(accumulator, term);

    /// <inheritdoc/>
    public float Finish(ReduceAccumulator<float> accumulator) => accumulator.Value + accumulator.Carry;

    /// <inheritdoc/>
    public ReduceAccumulator<double> Accumulate(ReduceAccumulator<double> accumulator, double term) => Compensated.Add(accumulator, term);

    /// <inheritdoc/>
    public double Finish(ReduceAccumulator<double> accumulator) => accumulator.Value + accumulator.Carry;
}

/// <summary>max |x|; NaN wins.</summary>
internal readonly struct MaxAbsReduction : IReduceOperator<float>, IReduceOperator<double>
{
    /// <inheritdoc/>
    public float Load(float x) => Math.Abs(x);

    /// <inheritdoc/>
    public float Load(float x, float y) => Combine(Math.Abs(x), Math.Abs(y));

    /// <inheritdoc/>
    public float Combine(float a, float b) => a > b || float.IsNaN(a) ? a : b;

    /// <inheritdoc/>
    public double Load(double x) => Math.Abs(x);

    /// <inheritdoc/>
    public double Load(double x, double y) => Combine(Math.Abs(x), Math.Abs(y));

    /// <inheritdoc/>
    public double Combine(double a, double b) => a > b || double.IsNaN(a) ? a : b;

    /// <inheritdoc/>
    public ReduceAccumulator<float> Accumulate(ReduceAccumulator<float> accumulator, float term) => new(Combine(accumulator.Value, term), 0f);

    /// <inheritdoc/>
    public float Finish(ReduceAccumulator<float> accumulator) => accumulator.Value;

    /// <inheritdoc/>
    public ReduceAccumulator<double> Accumulate(ReduceAccumulator<double> accumulator, double term) => new(Combine(accumulator.Value, term), 0.0);

    /// <inheritdoc/>
    public double Finish(ReduceAccumulator<double> accumulator) => accumulator.Value;
}

/// <summary>Neumaier's compensated summation step (Kahan's, correct also when the term outweighs the sum).</summary>
internal static class Compensated
{
    public static ReduceAccumulator<float> Add(ReduceAccumulator<float> accumulator, float term)
    {
        float sum = accumulator.Value, total = sum + term;
        float lost = Math.Abs(sum) >= Math.Abs(term) ? (sum - total) + term : (term - total) + sum;

        // Once the sum overflows (or meets a NaN), the lost part is ∞ − ∞ = NaN: carry nothing, so ∞ and NaN survive.
        return new ReduceAccumulator<float>(total, total - total == 0f ? accumulator.Carry + lost : 0f);
    }

    public static ReduceAccumulator<double> Add(ReduceAccumulator<double> accumulator, double term)
    {
        double sum = accumulator.Value, total = sum + term;
        double lost = Math.Abs(sum) >= Math.Abs(term) ? (sum - total) + term : (term - total) + sum;
        return new ReduceAccumulator<double>(total, total - total == 0.0 ? accumulator.Carry + lost : 0.0);
    }
}

/// <summary>The order of a minimum: smaller wins, −0 before +0.</summary>
internal readonly struct MinOrder : IExtremeOrder<float>, IExtremeOrder<double>
{
    /// <inheritdoc/>
    public bool IsNaN(float value) => float.IsNaN(value);

    /// <inheritdoc/>
    public bool Before(float candidate, float current) =>
        candidate < current || (candidate == current && Interop.FloatAsInt(candidate) > Interop.FloatAsInt(current));

    /// <inheritdoc/>
    public bool IsNaN(double value) => double.IsNaN(value);

    /// <inheritdoc/>
    public bool Before(double candidate, double current) =>
        candidate < current || (candidate == current && Interop.FloatAsInt(candidate) > Interop.FloatAsInt(current));
}

/// <summary>The order of a maximum: larger wins, +0 before −0.</summary>
internal readonly struct MaxOrder : IExtremeOrder<float>, IExtremeOrder<double>
{
    /// <inheritdoc/>
    public bool IsNaN(float value) => float.IsNaN(value);

    /// <inheritdoc/>
    public bool Before(float candidate, float current) =>
        candidate > current || (candidate == current && Interop.FloatAsInt(candidate) < Interop.FloatAsInt(current));

    /// <inheritdoc/>
    public bool IsNaN(double value) => double.IsNaN(value);

    /// <inheritdoc/>
    public bool Before(double candidate, double current) =>
        candidate > current || (candidate == current && Interop.FloatAsInt(candidate) < Interop.FloatAsInt(current));
}
