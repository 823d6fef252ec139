using GpuCompute.Cpu;
using GpuCompute.Gemm;

namespace GpuCompute.Devices;

/// <summary>The managed multicore CPU device: GpuCompute's own packed SIMD code on every core. Always present.</summary>
public sealed class CpuDevice : ComputeDevice
{
    internal CpuDevice(int threads)
        : base("cpu", CpuDescription.ProcessorName(), DeviceKind.Cpu, CpuDescription.TotalMemoryBytes())
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        Threads = threads;
    }

    /// <summary>Number of threads the device computes on.</summary>
    public int Threads { get; }

    internal override string Identity => $"{base.Identity}|{Threads} threads";

    internal override void RunGemmTile<T>(GemmProblem<T> problem, GemmTile tile)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        CpuGemm.Multiply(
            problem.Alpha,
            problem.TileA(tile),
            problem.OpA,
            problem.TileB(tile),
            problem.OpB,
            problem.Beta,
            problem.TileC(tile),
            Threads);
    }
}
