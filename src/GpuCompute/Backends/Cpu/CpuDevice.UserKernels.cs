namespace GpuCompute.Backends.Cpu;

/// <summary>
/// User kernels on the CPU device: plain C#, the JIT specializing the loop for the kernel struct and inlining
/// <c>Execute</c>, across the device's threads.
/// </summary>
public sealed partial class CpuDevice
{
    /// <summary>Fewest indices per CPU work item (each costs about a microsecond to schedule).</summary>
    private const long MinKernelChunk = 2048;

    /// <summary>Work items per thread: enough to balance uneven kernels (Mandelbrot rows differ a lot in cost).</summary>
    private const int KernelChunksPerThread = 16;

    internal override void Run1D<TKernel>(TKernel kernel, long first, long count)
    {
        long chunk = Math.Max(MinKernelChunk, count / (Threads * KernelChunksPerThread));
        long chunks = (count + chunk - 1) / chunk;
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = Threads }, c =>
        {
            TKernel local = kernel; // a copy on this thread's stack: its fields stay out of the shared closure
            long end = Math.Min(first + count, first + ((c + 1) * chunk));
            for (long i = first + (c * chunk); i < end; i++)
            {
                local.Execute(i);
            }
        });
    }

    internal override void Run2D<TKernel>(TKernel kernel, long firstRow, long rows, long columns) =>
        // Rows are the work items: each is a contiguous run of columns.
        Parallel.For(firstRow, firstRow + rows, new ParallelOptions { MaxDegreeOfParallelism = Threads }, row =>
        {
            TKernel local = kernel;
            for (long column = 0; column < columns; column++)
            {
                local.Execute(row, column);
            }
        });
}
