using System.Numerics;
using GpuCompute.Gemm;
using GpuCompute.Kernels;
using GpuCompute.Kernels.Elementwise;
using GpuCompute.Kernels.Factorizations;
using GpuCompute.Kernels.LinearAlgebra;

namespace GpuCompute.Backends;

/// <summary>One device the engine computes on: the managed CPU, a GPU, or ILGPU's emulator.</summary>
/// <remarks>
/// <para>Devices are created and disposed by <see cref="ComputeEngine"/>. A backend is one subclass: it owns its memory
/// (<see cref="Allocate{T}"/>) and every per-part primitive the operations are built from (element-wise maps and zips,
/// reductions, GEMV, transposes, GEMM tiles on host matrices and on device data, batched GEMM, user kernels). The
/// operations plan work over the data's parts and call these; nothing outside a backend's folder looks at which
/// backend it is.</para>
/// <para>Primitives take buffers this device allocated, with shapes validated by the engine, and block until the
/// device is done. A primitive a backend does not implement throws <see cref="NotSupportedException"/>.</para>
/// </remarks>
public abstract class ComputeDevice : IDisposable
{
    private int disposed;

    /// <summary>Devices are made by the engine (and, for fault injection, by tests).</summary>
    internal ComputeDevice(string id, string name, DeviceKind kind, long memoryBytes)
    {
        Id = id;
        Name = name;
        Kind = kind;
        MemoryBytes = memoryBytes;
    }

    /// <summary>A stable identifier: <c>cpu</c>, <c>ilgpu-cpu</c>, <c>cuda:0</c>, <c>opencl:1</c>, …</summary>
    public string Id { get; }

    /// <summary>The hardware's name as the driver or OS reports it.</summary>
    public string Name { get; }

    /// <summary>The kind of device.</summary>
    public DeviceKind Kind { get; }

    /// <summary>Memory the device computes from, in bytes (host RAM for CPU devices).</summary>
    public long MemoryBytes { get; }

    /// <summary>True for devices the engine uses when none are named: the CPU device and every GPU, not the emulator.</summary>
    public bool IsUsedByDefault => Kind != DeviceKind.IlgpuCpu;

    /// <summary>True once the device has been disposed.</summary>
    public bool IsDisposed => Volatile.Read(ref disposed) != 0;

    /// <summary>What identifies this device's performance across runs (the key of its stored models).</summary>
    internal virtual string Identity => $"{Kind}|{Id}|{Name}|{MemoryBytes}";

    /// <summary>True when the device compiles kernels with ILGPU, which must be able to see the kernel and operator types.</summary>
    internal virtual bool CompilesKernels => false;

    /// <summary>True when the device computes on host memory in place (the CPU device): it runs the host-side tile
    /// kernels (triangular factors and solves) that have no device kernels.</summary>
    internal virtual bool ComputesInHostMemory => false;

    /// <summary>How many tasks of a task graph the device runs at once: one per thread for the CPU device (each task
    /// then computes on one thread), one for a GPU (whose parallelism is inside each task).</summary>
    internal virtual int TaskLanes => 1;

    /// <summary>True when the device holds device-resident data and tile copies (<see cref="Allocate{T}(long)"/>); false
    /// for a cluster node, which computes what each call sends it.</summary>
    internal virtual bool HoldsData => true;

    /// <summary>The GEMM throughput the device reports for itself (a cluster node: what its own engine measured), or
    /// null when it must be measured here.</summary>
    internal virtual double? ReportedGflops(Type precision) => null;

    /// <summary>The device memory a task graph's tile copies may hold (by default three quarters of the device's).</summary>
    internal virtual long TileBudgetBytes => Math.Max(1, MemoryBytes / 4 * 3);

    /// <summary>True when the device runs kernels with group intrinsics (<see cref="IGroupKernel1D"/>): thread groups,
    /// shared memory, barriers.</summary>
    internal virtual bool RunsGroupKernels => false;

    /// <inheritdoc/>
    public override string ToString() => $"{Id} ({Name})";

    /// <summary>Releases the device's resources (accelerator, buffers, kernels).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            Dispose(true);
            GC.SuppressFinalize(this);
        }
    }

    /// <summary>
    /// Computes one tile of a GEMM on host matrices: C[tile] ← α·op(A)[tile rows, :]·op(B)[:, tile cols] + β·C[tile].
    /// Blocks until the tile's result is in host memory. A long tile checks <paramref name="cancellation"/> between its
    /// blocks and throws <see cref="OperationCanceledException"/> when it fires (the tile's block of C is then partly
    /// written).
    /// </summary>
    internal abstract void RunGemmTile<T>(GemmProblem<T> problem, GemmTile tile, CancellationToken cancellation)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>As <see cref="RunGemmTile{T}(GemmProblem{T}, GemmTile, CancellationToken)"/> within one of the device's
    /// <see cref="TaskLanes"/>: the CPU device computes it on one thread, so that its lanes run tasks side by side.</summary>
    internal virtual void RunGemmTileInLane<T>(GemmProblem<T> problem, GemmTile tile, CancellationToken cancellation)
        where T : unmanaged, IFloatingPointIeee754<T> => RunGemmTile(problem, tile, cancellation);

    /// <summary>
    /// Measures host↔device transfers: bandwidth in bytes per second and the fixed cost of one copy in seconds, or
    /// null for a device that computes from host memory (no transfers).
    /// </summary>
    internal virtual (double BandwidthBytesPerSecond, double LatencySeconds)? MeasureTransfer() => null;

    /// <summary>Allocates <paramref name="length"/> zeroed elements of this device's memory for device-resident data.</summary>
    internal virtual DeviceBuffer<T> Allocate<T>(long length)
        where T : unmanaged =>
        throw Unsupported("hold device-resident data");

    /// <summary>result[i] ← op(x[i]) over one part.</summary>
    internal virtual void Map<T, TOperator>(DeviceBuffer<T> x, DeviceBuffer<T> result, TOperator op)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : struct, IUnaryOperator<T> =>
        throw Unsupported("run element-wise operations");

    /// <summary>result[i] ← op(x[i], y[i]) over one part.</summary>
    internal virtual void Zip<T, TOperator>(DeviceBuffer<T> x, DeviceBuffer<T> y, DeviceBuffer<T> result, TOperator op)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : struct, IBinaryOperator<T> =>
        throw Unsupported("run element-wise operations");

    /// <summary>result[i] ← op(x[i], y[i], z[i]) over one part.</summary>
    internal virtual void Zip<T, TOperator>(DeviceBuffer<T> x, DeviceBuffer<T> y, DeviceBuffer<T> z, DeviceBuffer<T> result, TOperator op)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : struct, ITernaryOperator<T> =>
        throw Unsupported("run element-wise operations");

    /// <summary>result[i] ← value over one part.</summary>
    internal virtual void Fill<T>(T value, DeviceBuffer<T> result)
        where T : unmanaged =>
        throw Unsupported("run element-wise operations");

    /// <summary>result ← x, both on this device and of equal length.</summary>
    internal virtual void Copy<T>(DeviceBuffer<T> x, DeviceBuffer<T> result)
        where T : unmanaged =>
        x.CopyWithinDevice(0, result, 0, result.Length);

    /// <summary>One part's reduction of <paramref name="kind"/> (with <paramref name="y"/> for a dot product; squares of
    /// x scaled by <paramref name="scale"/>), in double.</summary>
    internal virtual double Reduce<T>(ReductionKind kind, DeviceBuffer<T> x, DeviceBuffer<T>? y, double scale)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        throw Unsupported("run reductions");

    /// <summary>One part's first extreme element (the first NaN if any) and its index within the part, −1 when empty.</summary>
    internal virtual (T Value, long Index) Extreme<T>(DeviceBuffer<T> x, bool max)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        throw Unsupported("run reductions");

    /// <summary>y ← α·A·x + β·y for one part: A holds y.Length rows of <paramref name="columns"/>, x all of them.
    /// β = 0 never reads y.</summary>
    internal virtual void Gemv<T>(T alpha, DeviceBuffer<T> a, long columns, DeviceBuffer<T> x, T beta, DeviceBuffer<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        throw Unsupported("run GEMV");

    /// <summary>One block transpose between two buffers of this device (see <see cref="TransposeArguments"/>).</summary>
    internal virtual void Transpose<T>(DeviceBuffer<T> source, DeviceBuffer<T> destination, TransposeArguments block)
        where T : unmanaged =>
        throw Unsupported("transpose");

    /// <summary>One block transpose from a host image of another device's data into a buffer of this device.</summary>
    internal virtual void TransposeFromHost<T>(T[] source, DeviceBuffer<T> destination, TransposeArguments block)
        where T : unmanaged =>
        throw Unsupported("transpose");

    /// <summary>C_i ← α·A_i·B_i + β·C_i for the <paramref name="count"/> matrices of one part (each m × k, k × n, m × n).</summary>
    internal virtual void GemmBatched<T>(T alpha, DeviceBuffer<T> a, DeviceBuffer<T> b, T beta, DeviceBuffer<T> c, long count, long m, long n, long k)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        throw Unsupported("run batched GEMM");

    /// <summary>True when the device runs the factorizations' triangular tile kernels (<see cref="TriangularSolve"/>,
    /// <see cref="SyrkLower"/>, <see cref="Potrf"/>) on its own buffers, so their tasks can run on tile copies here.</summary>
    internal virtual bool RunsTileKernels => false;

    /// <summary>The order (or panel width) up to which the tile recursions hand a block to this device's base kernels
    /// whole: 32 for kernels written for small blocks; a device whose "base kernels" are whole tile operations run
    /// elsewhere (a cluster node, which runs the recursion itself) takes any size, so that a tile task is one call.</summary>
    internal virtual int TileBaseOrder => 32;

    /// <summary>True when copies to this device proceed while it computes, so a task graph brings the tiles of a
    /// device's next task while its current one runs (a cluster node: its transfers are calls of their own). The ILGPU
    /// backend copies and computes in turn on one stream, so it waits for copy streams before saying so.</summary>
    internal virtual bool OverlapsTransfers => false;

    /// <summary>B ← M⁻¹·B for a small triangle M (see <see cref="TriangularSolveArguments"/>), on this device's buffers.</summary>
    internal virtual void TriangularSolve<T>(DeviceBuffer<T> m, DeviceBuffer<T> b, TriangularSolveArguments args)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        throw Unsupported("run triangular solves");

    /// <summary>C ← C − A·Aᵀ on the lower triangle of a small block C (see <see cref="SyrkArguments"/>).</summary>
    internal virtual void SyrkLower<T>(DeviceBuffer<T> a, DeviceBuffer<T> c, SyrkArguments args)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        throw Unsupported("run symmetric rank-k updates");

    /// <summary>The Cholesky factor of a small block in place (see <see cref="PotrfArguments"/>): −1, or the first
    /// column whose pivot is not positive.</summary>
    internal virtual int Potrf<T>(DeviceBuffer<T> a, PotrfArguments args)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        throw Unsupported("run Cholesky factorizations");

    /// <summary>LU with partial pivoting of a panel of at most <see cref="PanelKernels.MaxColumns"/> columns in place
    /// (see <see cref="PanelKernels.LuColumns{T, TScalar}"/>): <paramref name="pivots"/>[j] receives the panel row
    /// interchanged with row j; returns −1 or the first column whose pivot is exactly zero.</summary>
    internal virtual int LuColumns<T>(DeviceBuffer<T> a, PanelArguments args, Span<int> pivots)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        throw Unsupported("run LU panels");

    /// <summary>LU's row interchanges on a view of this device's buffer (see <see cref="RowSwapArguments"/>), with the
    /// pivots from host memory.</summary>
    internal virtual void SwapRows<T>(DeviceBuffer<T> a, ReadOnlySpan<int> pivots, RowSwapArguments args)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        throw Unsupported("interchange rows");

    /// <summary>Householder QR of a panel of at most <see cref="PanelKernels.MaxColumns"/> columns with its block
    /// reflector (see <see cref="PanelKernels.QrColumns{T, TScalar}"/>); <paramref name="tau"/> receives the scalars.</summary>
    internal virtual void QrColumns<T>(DeviceBuffer<T> a, DeviceBuffer<T> v, DeviceBuffer<T> t, QrPanelArguments args, Span<T> tau)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        throw Unsupported("run QR panels");

    /// <summary>
    /// C ← α·op(A)·op(B) + β·C on buffers of this device (<see cref="DeviceGemm{T}"/>: row-major views with offsets
    /// and leading dimensions). β = 0 never reads C. Checks <paramref name="cancellation"/> between blocks where the
    /// backend can.
    /// </summary>
    internal virtual void Gemm<T>(DeviceGemm<T> gemm, CancellationToken cancellation)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        throw Unsupported("run GEMM on device-resident data");

    /// <summary>Runs a 1-D user kernel for global indices [first, first + count).</summary>
    internal virtual void Run1D<TKernel>(TKernel kernel, long first, long count)
        where TKernel : struct, IKernel1D =>
        throw Unsupported("run user kernels");

    /// <summary>Runs a 2-D user kernel for global rows [firstRow, firstRow + rows) and every column.</summary>
    internal virtual void Run2D<TKernel>(TKernel kernel, long firstRow, long rows, long columns)
        where TKernel : struct, IKernel2D =>
        throw Unsupported("run user kernels");

    /// <summary>Runs a grouped user kernel for global indices [first, first + count) in groups of <paramref name="groupSize"/>.</summary>
    internal virtual void RunGrouped1D<TKernel>(TKernel kernel, long first, long count, int groupSize)
        where TKernel : struct, IGroupKernel1D =>
        throw new ArgumentException(
            $"The kernel uses group intrinsics, which only ILGPU devices (GPUs, ilgpu-cpu) run; its range has a part on {Id}. Use a layout without it.");

    /// <summary>Releases managed resources when <paramref name="disposing"/> is true.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }

    private NotSupportedException Unsupported(string what) => new($"Device {Id} cannot {what}.");
}
