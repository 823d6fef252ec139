namespace GpuCompute.Kernels.Gemm;

/// <summary>
/// The blocking of the GEMM kernel for one kind of device, as a struct type parameter: ILGPU specializes the kernel
/// per struct, so these properties fold to constants (shared-memory sizes included).
/// </summary>
/// <remarks>
/// A group of <see cref="ThreadsX"/> × <see cref="ThreadsY"/> threads computes a block of
/// (<see cref="ThreadsY"/>·<see cref="GemmKernel.RegisterTile"/>) × (<see cref="ThreadsX"/>·<see cref="GemmKernel.RegisterTile"/>)
/// elements of C, stepping through K in slices of <see cref="DepthK"/> staged in shared memory.
/// Implementations must return constants.
/// </remarks>
internal interface IGemmTileConfig
{
    /// <summary>Threads per group along the columns of C (the group's X dimension).</summary>
    int ThreadsX { get; }

    /// <summary>Threads per group along the rows of C (the group's Y dimension).</summary>
    int ThreadsY { get; }

    /// <summary>Depth of the K slice staged in shared memory per step.</summary>
    int DepthK { get; }

    /// <summary>Rows of C per group: <see cref="ThreadsY"/> · <see cref="GemmKernel.RegisterTile"/>.</summary>
    int BlockRows { get; }

    /// <summary>Columns of C per group: <see cref="ThreadsX"/> · <see cref="GemmKernel.RegisterTile"/>.</summary>
    int BlockCols { get; }

    /// <summary>Elements of the two shared A buffers: 2 · <see cref="DepthK"/> · (<see cref="BlockRows"/> + <see cref="GemmKernel.SharedPadding"/>).</summary>
    int SharedA { get; }

    /// <summary>Elements of the two shared B buffers: 2 · <see cref="DepthK"/> · (<see cref="BlockCols"/> + <see cref="GemmKernel.SharedPadding"/>).</summary>
    int SharedB { get; }
}
