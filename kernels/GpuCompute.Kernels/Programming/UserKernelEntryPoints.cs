using ILGPU;

namespace GpuCompute.Kernels;

/// <summary>
/// The ILGPU entry points that run user kernels on a GPU or the emulator; the engine launches them over one device's
/// sub-range. (On the CPU device the engine calls <c>Execute</c> directly.)
/// </summary>
internal static class UserKernelEntryPoints
{
    /// <summary>Runs <paramref name="kernel"/> for global indices <c>first + index</c> (implicitly grouped).</summary>
    /// <typeparam name="TKernel">The user kernel.</typeparam>
    /// <param name="index">The index within the device's sub-range.</param>
    /// <param name="kernel">The kernel, bound to this device's data.</param>
    /// <param name="first">The sub-range's first global index.</param>
    public static void Run1D<TKernel>(Index1D index, TKernel kernel, long first)
        where TKernel : struct, IKernel1D =>
        kernel.Execute(first + index.X);

    /// <summary>Runs <paramref name="kernel"/> for global row <c>firstRow + index.Y</c> and column <c>index.X</c>.</summary>
    /// <typeparam name="TKernel">The user kernel.</typeparam>
    /// <param name="index">(column, row within the device's rows).</param>
    /// <param name="kernel">The kernel, bound to this device's data.</param>
    /// <param name="firstRow">The device's first global row.</param>
    public static void Run2D<TKernel>(Index2D index, TKernel kernel, long firstRow)
        where TKernel : struct, IKernel2D =>
        kernel.Execute(firstRow + index.Y, index.X);

    /// <summary>Runs one thread of a grouped kernel (explicitly grouped launch): global index <c>first + Grid.GlobalIndex.X</c>.</summary>
    /// <typeparam name="TKernel">The user kernel.</typeparam>
    /// <param name="kernel">The kernel, bound to this device's data.</param>
    /// <param name="first">The sub-range's first global index.</param>
    /// <param name="count">The sub-range's length; threads at or past it run with <c>inRange = false</c>.</param>
    public static void RunGrouped1D<TKernel>(TKernel kernel, long first, long count)
        where TKernel : struct, IGroupKernel1D
    {
        long local = Grid.GlobalIndex.X;
        kernel.Execute(first + local, local < count);
    }
}
