using GpuCompute.Kernels;

namespace GpuCompute.Tests.UserKernels.Examples;

/// <summary>
/// Example user kernel: one Jacobi step of the 2-D heat equation, next = current + r·(sum of the 4 neighbours − 4·current),
/// with fixed (Dirichlet) edges. Reads one halo row on each side of a device's rows.
/// </summary>
public readonly struct HeatStencilKernel(MatrixView<float> current, MatrixView<float> next, float rate) : IKernel2D
{
    public void Execute(long row, long column)
    {
        if (row == 0 || column == 0 || row == current.Rows - 1 || column == current.Columns - 1)
        {
            next[row, column] = current[row, column];
            return;
        }

        float centre = current[row, column];
        float neighbours = current[row - 1, column] + current[row + 1, column] + current[row, column - 1] + current[row, column + 1];
        next[row, column] = centre + (rate * (neighbours - (4 * centre)));
    }
}
