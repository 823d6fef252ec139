using ILGPU;

namespace GpuCompute.Kernels.Reductions;

/// <summary>Σ x (and Σ x·y for pairs).</summary>
public readonly struct SumReduction : IReduceOperator<float>, IReduceOperator<double>
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
}

/// <summary>Σ |x|.</summary>
public readonly struct AbsSumReduction : IReduceOperator<float>, IReduceOperator<double>
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
}

/// <summary>Σ (s·x)², with s a power of two chosen by the caller to keep the squares in range (1 for the fast pass).</summary>
/// <param name="scale">The factor applied before squaring.</param>
public readonly struct SquareSumReduction(double scale) : IReduceOperator<float>, IReduceOperator<double>
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
}

/// <summary>max |x|; NaN wins.</summary>
public readonly struct MaxAbsReduction : IReduceOperator<float>, IReduceOperator<double>
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
}

/// <summary>The order of a minimum: smaller wins, −0 before +0.</summary>
public readonly struct MinOrder : IExtremeOrder<float>, IExtremeOrder<double>
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
public readonly struct MaxOrder : IExtremeOrder<float>, IExtremeOrder<double>
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
