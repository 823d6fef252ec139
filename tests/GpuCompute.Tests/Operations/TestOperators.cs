using GpuCompute.Kernels.Elementwise;

namespace GpuCompute.Tests.Operations;

/// <summary>A user unary operator: clamps to [−0.5, 0.5].</summary>
public readonly struct ClampHalf : IUnaryOperator<float>, IUnaryOperator<double>
{
    public float Apply(float x) => x < -0.5f ? -0.5f : x > 0.5f ? 0.5f : x;

    public double Apply(double x) => x < -0.5 ? -0.5 : x > 0.5 ? 0.5 : x;
}

/// <summary>A user binary operator: (x − y)².</summary>
public readonly struct SquaredDifference : IBinaryOperator<float>, IBinaryOperator<double>
{
    public float Apply(float x, float y) => (x - y) * (x - y);

    public double Apply(double x, double y) => (x - y) * (x - y);
}

/// <summary>A user ternary operator with state: w·x + y − z.</summary>
public readonly struct WeightedCombination(double w) : ITernaryOperator<float>, ITernaryOperator<double>
{
    private readonly float single = (float)w;

    public float Apply(float x, float y, float z) => (single * x) + y - z;

    public double Apply(double x, double y, double z) => (w * x) + y - z;
}
