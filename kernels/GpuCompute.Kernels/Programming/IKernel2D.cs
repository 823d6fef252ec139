namespace GpuCompute.Kernels;

/// <summary>
/// A user kernel over a 2-D index range of rows × columns (an image, a grid, a matrix), split across devices by rows.
/// Same rules as <see cref="IKernel1D"/>.
/// </summary>
public interface IKernel2D
{
    /// <summary>Computes the element at (<paramref name="row"/>, <paramref name="column"/>), in global coordinates.</summary>
    /// <param name="row">The global row, in [0, rows).</param>
    /// <param name="column">The column, in [0, columns).</param>
    void Execute(long row, long column);
}
