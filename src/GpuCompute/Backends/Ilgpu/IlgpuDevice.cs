using GpuCompute.Gemm;
using GpuCompute.Kernels.Gemm;
using ILGPU;
using ILGPU.Runtime;

namespace GpuCompute.Backends.Ilgpu;

/// <summary>
/// A device backed by one ILGPU accelerator: a CUDA GPU, an OpenCL device, or ILGPU's CPU emulator (correctness only,
/// never speed). GEMM tiles run through the tiled <see cref="GemmKernel"/>.
/// </summary>
/// <remarks>
/// <para>Each tile computes C[tile] ← α·op(A)[tile rows, :]·op(B)[:, tile cols] + β·C[tile] in the precision of the
/// operands (float or double; accumulation in that precision). The tile's A panel, B panel and, only when β ≠ 0,
/// its C block are packed into reusable grow-only device buffers; the call blocks until C is back in host memory.</para>
/// <para>Kernels are compiled once per device, kernel and specialization, at first use. One lock per device, private to
/// it, serializes everything done on the accelerator, because two threads launching the same loaded kernel on one
/// accelerator race. Dispose the device before its ILGPU context. Split by concern: this file (identity, memory
/// budget, GEMM), <c>IlgpuDevice.Memory.cs</c> (its buffers), <c>IlgpuDevice.Operations.cs</c> (element-wise,
/// reductions, GEMV, transpose, batched GEMM) and <c>IlgpuDevice.UserKernels.cs</c>.</para>
/// </remarks>
public sealed partial class IlgpuDevice : ComputeDevice
{
    private readonly Lock gate = new();
    private readonly Accelerator accelerator;
    private readonly IGemmRunner<float> floatRunner;
    private readonly IGemmRunner<double> doubleRunner;
    private readonly IlgpuKernelCache kernels;
    private readonly Dictionary<(string Slot, Type Element), MemoryBuffer> scratch = [];

    private IlgpuDevice(string id, DeviceKind kind, Accelerator accelerator, long memoryBytes)
        : base(id, kind == DeviceKind.IlgpuCpu ? "ILGPU CPU accelerator (emulator)" : accelerator.Name, kind, memoryBytes)
    {
        this.accelerator = accelerator;
        kernels = new IlgpuKernelCache(accelerator);
        if (kind == DeviceKind.IlgpuCpu)
        {
            floatRunner = new GemmRunner<float, FloatScalar, EmulatorTileConfig>(accelerator);
            doubleRunner = new GemmRunner<double, DoubleScalar, EmulatorTileConfig>(accelerator);
        }
        else
        {
            floatRunner = new GemmRunner<float, FloatScalar, GpuTileConfig>(accelerator);
            doubleRunner = new GemmRunner<double, DoubleScalar, GpuTileConfig>(accelerator);
        }

        MemoryBudgetBytes = Math.Max(1, memoryBytes / 4 * 3);
    }

    /// <summary>
    /// Device memory one tile's operands may use (default: three quarters of the device's memory). A tile whose panels
    /// and block of C do not fit streams through in smaller blocks and chunks of K (out-of-core), with C accumulating
    /// on the device.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The budget is not positive.</exception>
    public long MemoryBudgetBytes
    {
        get => floatRunner.BudgetBytes;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            lock (gate)
            {
                floatRunner.BudgetBytes = value;
                doubleRunner.BudgetBytes = value;
            }
        }
    }

    internal override bool CompilesKernels => true;

    internal override bool RunsGroupKernels => true;

    /// <summary>Tile copies share the budget one tile's operands have (<see cref="MemoryBudgetBytes"/>).</summary>
    internal override long TileBudgetBytes => MemoryBudgetBytes;

    /// <summary>
    /// A grow-only device buffer of at least <paramref name="length"/> elements kept under <paramref name="slot"/> for
    /// small per-call results (a reduction's group partials): allocating and freeing one per call would cost a driver
    /// allocation and, on CUDA, a device-wide synchronization in the free. Call under the lock; valid until the next
    /// call for the same slot and type.
    /// </summary>
    private ArrayView<T> Scratch<T>(string slot, long length)
        where T : unmanaged
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        var key = (slot, typeof(T));
        if (!scratch.TryGetValue(key, out MemoryBuffer? buffer) || buffer.Length < length)
        {
            buffer?.Dispose();
            buffer = accelerator.Allocate1D<T>(Math.Max(length, 1024));
            scratch[key] = buffer;
        }

        return ((MemoryBuffer1D<T, Stride1D.Dense>)buffer).View.SubView(0, length);
    }

    /// <summary>The ILGPU accelerator type behind this device.</summary>
    public AcceleratorType AcceleratorType => accelerator.AcceleratorType;

    /// <summary>Compiles the float and double GEMM kernels now instead of at the first tile. Blocks until done.</summary>
    /// <exception cref="IlgpuDeviceException">ILGPU could not compile or load a kernel.</exception>
    public void WarmUp()
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            try
            {
                floatRunner.Warm();
                doubleRunner.Warm();
            }
            catch (Exception e) when (IsIlgpuFailure(e))
            {
                throw new IlgpuDeviceException($"ILGPU failed to load the GEMM kernels on device {Id}: {e.Message}", e);
            }
        }
    }

    /// <summary>Wraps an accelerator of a discovered device; the device then owns the accelerator.</summary>
    internal static IlgpuDevice Create(string id, DeviceKind kind, Accelerator accelerator, long memoryBytes, long? memoryBudgetBytes = null)
    {
        var device = new IlgpuDevice(id, kind, accelerator, memoryBytes);
        if (memoryBudgetBytes is long budget)
        {
            device.MemoryBudgetBytes = budget;
        }

        return device;
    }

    internal override void RunGemmTile<T>(GemmProblem<T> problem, GemmTile tile, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(problem);
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            try
            {
                Runner<T>().Run(problem, tile, cancellation);
            }
            catch (Exception e) when (IsIlgpuFailure(e))
            {
                throw new IlgpuDeviceException(Id, tile, typeof(T).Name, e);
            }
        }
    }

    /// <summary>GEMM on this device's buffers: the tiled kernel straight on the operands' views, nothing staged.</summary>
    internal override void Gemm<T>(DeviceGemm<T> gemm, CancellationToken cancellation)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            cancellation.ThrowIfCancellationRequested();
            Runner<T>().RunOnDevice(gemm);
        }
    }

    /// <summary>GPUs copy tiles over a bus; the emulator's copies are host memcpy, modelled as free.</summary>
    internal override (double BandwidthBytesPerSecond, double LatencySeconds)? MeasureTransfer() =>
        Kind == DeviceKind.IlgpuCpu ? null : MeasureCopies();

    /// <summary>
    /// Times pinned host → device copies: the best of three 32 MiB copies gives the bandwidth, the best of ten 4-byte
    /// copies the latency. Blocks; about 50 ms on a PCIe GPU.
    /// </summary>
    internal (double BandwidthBytesPerSecond, double LatencySeconds) MeasureCopies()
    {
        const int bytes = 32 << 20;
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            using PageLockedArray1D<byte> host = accelerator.AllocatePageLocked1D<byte>(bytes);
            using MemoryBuffer1D<byte, Stride1D.Dense> device = accelerator.Allocate1D<byte>(bytes);
            AcceleratorStream stream = accelerator.DefaultStream;
            double Time(long count)
            {
                long start = System.Diagnostics.Stopwatch.GetTimestamp();
                ((ArrayView<byte>)device.View).SubView(0, count).CopyFrom(stream, host.ArrayView.SubView(0, count));
                stream.Synchronize();
                return System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds;
            }

            Time(bytes); // warm-up: first-touch of the pinned pages and the driver's copy path
            double large = Enumerable.Range(0, 3).Min(_ => Time(bytes));
            double small = Enumerable.Range(0, 10).Min(_ => Time(4));
            return (bytes / Math.Max(large - small, 1e-9), small);
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (gate)
            {
                floatRunner.Dispose();
                doubleRunner.Dispose();
                foreach (MemoryBuffer buffer in scratch.Values)
                {
                    buffer.Dispose();
                }

                accelerator.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    // Argument errors are the caller's; everything else thrown below (compilation, allocation, copies, launches,
    // driver errors) comes from ILGPU or the driver and is reported with the device and tile.
    private static bool IsIlgpuFailure(Exception e) =>
        e is not (ArgumentException or ObjectDisposedException or OperationCanceledException);

    private IGemmRunner<T> Runner<T>()
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            return (IGemmRunner<T>)floatRunner;
        }

        if (typeof(T) == typeof(double))
        {
            return (IGemmRunner<T>)doubleRunner;
        }

        throw new NotSupportedException($"{Id} runs GEMM in float or double, not {typeof(T).Name}.");
    }
}
