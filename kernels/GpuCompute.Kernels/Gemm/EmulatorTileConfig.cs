namespace GpuCompute.Kernels.Gemm;

/// <summary>
/// Blocking for ILGPU's CPU emulator, which runs one OS thread per simulated thread: a small 4 × 4 group (16 threads)
/// with the same 8 × 8 register tile, so a 32 × 32 block of C per group, and K slices of 8.
/// </summary>
/// <remarks>The small block also puts block edges (31, 32, 33) within reach of fast emulator tests.</remarks>
internal readonly struct EmulatorTileConfig : IGemmTileConfig
{
    /// <inheritdoc/>
    public int ThreadsX => 4;

    /// <inheritdoc/>
    public int ThreadsY => 4;

    /// <inheritdoc/>
    public int DepthK => 8;

    /// <inheritdoc/>
    public int BlockRows => 4 * GemmKernel.RegisterTile;

    /// <inheritdoc/>
    public int BlockCols => 4 * GemmKernel.RegisterTile;

    /// <inheritdoc/>
    public int SharedA => 2 * 8 * ((4 * GemmKernel.RegisterTile) + GemmKernel.SharedPadding);

    /// <inheritdoc/>
    public int SharedB => 2 * 8 * ((4 * GemmKernel.RegisterTile) + GemmKernel.SharedPadding);
}
