namespace GpuCompute.Kernels.Gemm;

/// <summary>
/// Blocking for real GPUs: 16 × 16 threads, each with an 8 × 8 register tile, so a 128 × 128 block of C per group,
/// and K slices of 8 (16.5 KiB of shared memory in single precision, 33 KiB in double: two buffers, padding included).
/// </summary>
internal readonly struct GpuTileConfig : IGemmTileConfig
{
    /// <inheritdoc/>
    public int ThreadsX => 16;

    /// <inheritdoc/>
    public int ThreadsY => 16;

    /// <inheritdoc/>
    /// <remarks>8 keeps the double-buffered slices under the 48 KiB static shared-memory limit in double precision.</remarks>
    public int DepthK => 8;

    /// <inheritdoc/>
    public int BlockRows => 16 * GemmKernel.RegisterTile;

    /// <inheritdoc/>
    public int BlockCols => 16 * GemmKernel.RegisterTile;

    /// <inheritdoc/>
    public int SharedA => 2 * 8 * ((16 * GemmKernel.RegisterTile) + GemmKernel.SharedPadding);

    /// <inheritdoc/>
    public int SharedB => 2 * 8 * ((16 * GemmKernel.RegisterTile) + GemmKernel.SharedPadding);
}
