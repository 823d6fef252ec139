using GpuCompute.Kernels.Intrinsics;

namespace GpuCompute.Kernels.Elementwise;

/// <summary>x + y.</summary>
public readonly struct AddOperator : IBinaryOperator<float>, IBinaryOperator<double>
{
    /// <inheritdoc/>
    public float Apply(float x, float y) => x + y;

    /// <inheritdoc/>
    public double Apply(double x, double y) => x + y;
}

/// <summary>x − y.</summary>
public readonly struct SubtractOperator : IBinaryOperator<float>, IBinaryOperator<double>
{
    /// <inheritdoc/>
    public float Apply(float x, float y) => x - y;

    /// <inheritdoc/>
    public double Apply(double x, double y) => x - y;
}

/// <summary>x · y (element-wise).</summary>
public readonly struct MultiplyOperator : IBinaryOperator<float>, IBinaryOperator<double>
{
    /// <inheritdoc/>
    public float Apply(float x, float y) => x * y;

    /// <inheritdoc/>
    public double Apply(double x, double y) => x * y;
}

/// <summary>x · y + z, fused (rounded once) on the CPU device and CUDA; a·b + c on the emulator and OpenCL.</summary>
public readonly struct MultiplyAddOperator : ITernaryOperator<float>, ITernaryOperator<double>
{
    /// <inheritdoc/>
    public float Apply(float x, float y, float z) => KernelMath.MultiplyAdd(x, y, z);

    /// <inheritdoc/>
    public double Apply(double x, double y, double z) => KernelMath.MultiplyAdd(x, y, z);
}

/// <summary>max(x, 0): negative values and −0 give +0; NaN stays NaN.</summary>
public readonly struct ReluOperator : IUnaryOperator<float>, IUnaryOperator<double>
{
    /// <inheritdoc/>
    public float Apply(float x) => x > 0f || float.IsNaN(x) ? x : 0f;

    /// <inheritdoc/>
    public double Apply(double x) => x > 0.0 || double.IsNaN(x) ? x : 0.0;
}

/// <summary>eˣ.</summary>
public readonly struct ExpOperator : IUnaryOperator<float>, IUnaryOperator<double>
{
    /// <inheritdoc/>
    public float Apply(float x) => MathF.Exp(x);

    /// <inheritdoc/>
    public double Apply(double x) => Math.Exp(x);
}

/// <summary>α · x.</summary>
/// <param name="alpha">The factor (rounded to float for float vectors).</param>
public readonly struct ScaleOperator(double alpha) : IUnaryOperator<float>, IUnaryOperator<double>
{
    private readonly float singleAlpha = (float)alpha;

    /// <summary>The factor.</summary>
    public double Alpha { get; } = alpha;

    /// <inheritdoc/>
    public float Apply(float x) => singleAlpha * x;

    /// <inheritdoc/>
    public double Apply(double x) => Alpha * x;
}

/// <summary>α · x + y, fused as <see cref="MultiplyAddOperator"/> is (the axpy of BLAS, with y the second input).</summary>
/// <param name="alpha">The factor (rounded to float for float vectors).</param>
public readonly struct AxpyOperator(double alpha) : IBinaryOperator<float>, IBinaryOperator<double>
{
    private readonly float singleAlpha = (float)alpha;

    /// <summary>The factor.</summary>
    public double Alpha { get; } = alpha;

    /// <inheritdoc/>
    public float Apply(float x, float y) => KernelMath.MultiplyAdd(singleAlpha, x, y);

    /// <inheritdoc/>
    public double Apply(double x, double y) => KernelMath.MultiplyAdd(Alpha, x, y);
}
