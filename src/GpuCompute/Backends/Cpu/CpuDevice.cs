using GpuCompute.Gemm;
using GpuCompute.Matrices;
using ILGPU;
using ILGPU.Runtime.CPU;

namespace GpuCompute.Backends.Cpu;

/// <summary>The managed multicore CPU device: GpuCompute's own packed SIMD code on every core. Always present.</summary>
/// <remarks>Its memory is pinned host arrays, so it computes on host matrices in place and on its device-resident
/// parts without copies. Split by concern: this file (identity, memory, GEMM), <c>CpuDevice.Operations.cs</c>
/// (element-wise, reductions, GEMV, transpose, batched GEMM) and <c>CpuDevice.UserKernels.cs</c>.</remarks>
public sealed partial class CpuDevice : ComputeDevice
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

    internal override bool ComputesInHostMemory => true;

    internal override int TaskLanes => Threads;

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

    /// <summary>The same BLIS path as host matrices, on views of the parts' pinned arrays (no copies).</summary>
    internal override void RunGemmTileInLane<T>(GemmProblem<T> problem, GemmTile tile, CancellationToken cancellation)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        CpuGemm.Multiply(problem.Alpha, problem.TileA(tile), problem.OpA, problem.TileB(tile), problem.OpB, problem.Beta, problem.TileC(tile), 1, cancellation);
    }

    internal override void Gemm<T>(DeviceGemm<T> gemm, CancellationToken cancellation)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        (long ar, long ac) = gemm.OpA == Matrices.Transpose.None ? (gemm.M, gemm.K) : (gemm.K, gemm.M);
        (long br, long bc) = gemm.OpB == Matrices.Transpose.None ? (gemm.K, gemm.N) : (gemm.N, gemm.K);
        CpuGemm.Multiply(
            gemm.Alpha,
            View(gemm.A, gemm.OffsetA, ar, ac, gemm.LeadingA),
            gemm.OpA,
            View(gemm.B, gemm.OffsetB, br, bc, gemm.LeadingB),
            gemm.OpB,
            gemm.Beta,
            View(gemm.C, gemm.OffsetC, gemm.M, gemm.N, gemm.LeadingC),
            Threads,
            cancellation);

        static HostMatrix<T> View(DeviceBuffer<T> buffer, long offset, long rows, long cols, long leading) =>
            rows == 0 || cols == 0
                ? new HostMatrix<T>((int)rows, (int)cols)
                : new HostMatrix<T>(buffer.HostArray!, (int)rows, (int)cols, (int)Math.Max(1, leading), (int)offset);
    }

    internal override DeviceBuffer<T> Allocate<T>(long length) => new CpuBuffer<T>(this, length);

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

    /// <summary>The pinned array behind a buffer this device allocated.</summary>
    private static T[] Array<T>(DeviceBuffer<T> buffer)
        where T : unmanaged => buffer.HostArray ?? throw new ArgumentException($"A buffer of {buffer.Device.Id} was given to the CPU device.", nameof(buffer));
}
