using GpuCompute.Kernels;

namespace GpuCompute.Bench.Kernels;

/// <summary>h ← max(h + bias, 0) row by row: an MLP layer's activation, as a user kernel (public, so ILGPU can compile it).</summary>
/// <param name="h">The layer's output, rows split across devices.</param>
/// <param name="bias">One value per column, whole on every device.</param>
public readonly struct BiasReluKernel(MatrixView<float> h, VectorView<float> bias) : IKernel2D
{
    /// <inheritdoc/>
    public void Execute(long row, long column)
    {
        float v = h[row, column] + bias[column];
        h[row, column] = v > 0f ? v : 0f;
    }
}
