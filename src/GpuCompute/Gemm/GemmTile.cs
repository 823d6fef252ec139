namespace GpuCompute.Gemm;

/// <summary>A rectangular block of C, computed as a unit on one device (over the full K dimension).</summary>
/// <param name="Row">First row of C in the tile.</param>
/// <param name="Col">First column of C in the tile.</param>
/// <param name="Rows">Number of rows.</param>
/// <param name="Cols">Number of columns.</param>
public readonly record struct GemmTile(int Row, int Col, int Rows, int Cols)
{
    /// <summary>Floating-point operations to compute this tile with inner dimension <paramref name="k"/>: 2·rows·cols·k.</summary>
    public double Flops(int k) => 2.0 * Rows * Cols * k;
}
