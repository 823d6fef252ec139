using GpuCompute.Cpu;
using GpuCompute.Gemm;
using ILGPU;
using ILGPU.Runtime.CPU;

namespace GpuCompute.Devices;

/// <summary>The managed multicore CPU device: GpuCompute's own packed SIMD code on every core. Always present.</summary>
public sealed class CpuDevice : ComputeDevice
{
    private readonly Lock gate = new();
    private Context? hostContext;

    internal CpuDevice(int threads)
        : base("cpu", CpuDescription.ProcessorName(), DeviceKind.Cpu, CpuDescription.TotalMemoryBytes())
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        Threads = threads;
    }

    /// <summary>Number of threads the device computes on.</summary>
    public int Threads { get; }

    internal override string Identity => $"{base.Identity}|{Threads} threads";

    /// <summary>
    /// ILGPU's implicit host accelerator, which only wraps host memory as views for user kernels (it launches nothing).
    /// Its context is made at first use, so engines that never hold device-resident data never load ILGPU.
    /// </summary>
    internal CPUAccelerator HostAccelerator
    {
        get
        {
            lock (gate)
            {
                ObjectDisposedException.ThrowIf(IsDisposed, this);
                hostContext ??= Context.Create(_ => { });
                return hostContext.GetImplicitCPUAccelerator();
            }
        }
    }

    internal override void RunGemmTile<T>(GemmProblem<T> problem, GemmTile tile, CancellationToken cancellation)
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
            Threads,
            cancellation);
    }

    internal override DeviceMemory<T> Allocate<T>(long length) => new HostMemory<T>(this, length);

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (gate)
            {
                hostContext?.Dispose();
            }
        }

        base.Dispose(disposing);
    }
}
