using GpuCompute.Backends;
using GpuCompute.Data;
using GpuCompute.Kernels;
using GpuCompute.Operations;
using GpuCompute.Scheduling;

namespace GpuCompute;

/// <summary>User kernels: C# operator structs run across the devices that hold their data.</summary>
public sealed partial class ComputeEngine
{
    /// <summary>
    /// Runs a user kernel for every index of <paramref name="range"/>, each device running the indices its part of the
    /// layout covers, with the kernel struct <paramref name="bind"/> returns for that part. Blocks until every device is done.
    /// </summary>
    /// <remarks>
    /// <para>The range's layout is the data's: arrays bound with <see cref="KernelBinding.View{T}(DeviceVector{T})"/>
    /// must have it, so each device reads and writes only its own memory. On the CPU device the kernel runs as plain
    /// C# on every core; on GPUs it is compiled by ILGPU once per kernel type and device, at first use.</para>
    /// <example><code>
    /// using var x = engine.UploadVector(xs);
    /// using var y = engine.UploadVector(ys, x.Layout);
    /// engine.For(x.Layout, part => new Saxpy(2f, part.View(x), part.View(y)));
    /// </code></example>
    /// </remarks>
    /// <exception cref="ArgumentException">Bound data does not match the range (length or split), or belongs to another engine.</exception>
    /// <exception cref="DeviceFailedException">A device failed; the data on the other devices is complete.</exception>
    public OperationReport For<TKernel>(DataLayout range, Func<KernelBinding, TKernel> bind)
        where TKernel : struct, IKernel1D =>
        UserKernelOperation.Launch(this, range, bind, "a 1-D user kernel", (binding, kernel) => binding.Device.Run1D(kernel, binding.First, binding.Count));

    /// <summary>Runs a user kernel for every index in [0, <paramref name="length"/>) with the engine's default
    /// <see cref="Layout(long)"/> of that length. See <see cref="For{TKernel}(DataLayout, Func{KernelBinding, TKernel})"/>.</summary>
    public OperationReport For<TKernel>(long length, Func<KernelBinding, TKernel> bind)
        where TKernel : struct, IKernel1D =>
        For(Layout(length), bind);

    /// <summary>
    /// Runs a 2-D user kernel for every (row, column) of <paramref name="rows"/> × <paramref name="columns"/>, each
    /// device running the rows its part of <paramref name="rows"/> covers. Same rules as
    /// <see cref="For{TKernel}(DataLayout, Func{KernelBinding, TKernel})"/>; a matrix's <see cref="DeviceMatrix{T}.Layout"/>
    /// is a row layout.
    /// </summary>
    public OperationReport For2D<TKernel>(DataLayout rows, long columns, Func<KernelBinding, TKernel> bind)
        where TKernel : struct, IKernel2D
    {
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        return UserKernelOperation.Launch(this, rows, bind, "a 2-D user kernel", (binding, kernel) => binding.Device.Run2D(kernel, binding.First, binding.Count, columns));
    }

    /// <summary>
    /// <see cref="For{TKernel}(DataLayout, Func{KernelBinding, TKernel})"/> without blocking the caller: every device's
    /// sub-range runs on a worker thread of that device, the task completing when the last is done. Binding (and any
    /// halo or whole-vector copy it asks for) happens before the task is returned; cancellation stops devices that have
    /// not started; progress is reported after each device's sub-range; disposing the engine meanwhile ends the task
    /// with <see cref="ObjectDisposedException"/>.
    /// </summary>
    public Task<OperationReport> ForAsync<TKernel>(
        DataLayout range, Func<KernelBinding, TKernel> bind, IProgress<GemmProgress>? progress = null, CancellationToken cancellation = default)
        where TKernel : struct, IKernel1D
    {
        UserKernelOperation.Validate<TKernel>(this, range, bind);
        return cancellation.IsCancellationRequested ? Task.FromCanceled<OperationReport>(cancellation)
            : UserKernelOperation.LaunchAsync(this, range, bind, "a 1-D user kernel", (binding, kernel) => binding.Device.Run1D(kernel, binding.First, binding.Count), progress, cancellation);
    }

    /// <summary>The asynchronous form of <see cref="For2D{TKernel}(DataLayout, long, Func{KernelBinding, TKernel})"/>;
    /// see <see cref="ForAsync{TKernel}(DataLayout, Func{KernelBinding, TKernel}, IProgress{GemmProgress}?, CancellationToken)"/>.</summary>
    public Task<OperationReport> For2DAsync<TKernel>(
        DataLayout rows, long columns, Func<KernelBinding, TKernel> bind, IProgress<GemmProgress>? progress = null, CancellationToken cancellation = default)
        where TKernel : struct, IKernel2D
    {
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        UserKernelOperation.Validate<TKernel>(this, rows, bind);
        return cancellation.IsCancellationRequested ? Task.FromCanceled<OperationReport>(cancellation)
            : UserKernelOperation.LaunchAsync(this, rows, bind, "a 2-D user kernel", (binding, kernel) => binding.Device.Run2D(kernel, binding.First, binding.Count, columns), progress, cancellation);
    }

    /// <summary>
    /// Runs a kernel that uses group intrinsics (shared memory, barriers, warp shuffles) in groups of
    /// <paramref name="groupSize"/> consecutive indices. Only ILGPU devices run such kernels: the range's layout must
    /// not include the CPU device (see <see cref="GroupLayout"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The range has a part on the CPU device.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The group size is not positive or exceeds a device's limit.</exception>
    public OperationReport ForGroups<TKernel>(DataLayout range, int groupSize, Func<KernelBinding, TKernel> bind)
        where TKernel : struct, IGroupKernel1D
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(groupSize);
        ArgumentNullException.ThrowIfNull(range);
        if (range.Parts.FirstOrDefault(p => !p.Device.RunsGroupKernels) is { Device: not null } cpuPart)
        {
            throw new ArgumentException(
                $"A kernel with group intrinsics runs only on ILGPU devices, but the range has a part on {cpuPart.Device.Id}: use GroupLayout(count).", nameof(range));
        }

        return UserKernelOperation.Launch(this, range, bind, "a grouped user kernel", (binding, kernel) => binding.Device.RunGrouped1D(kernel, binding.First, binding.Count, groupSize));
    }

    /// <summary>The default split of <paramref name="count"/> items across the engine's ILGPU devices only (GPUs, or the
    /// emulator when named): the layout for data that grouped kernels work on.</summary>
    /// <exception cref="InvalidOperationException">The engine has no ILGPU device.</exception>
    public DataLayout GroupLayout(long count)
    {
        ComputeDevice[] ilgpu = Devices.Where(d => d.RunsGroupKernels).ToArray();
        return ilgpu.Length > 0
            ? Layout(count, ilgpu)
            : throw new InvalidOperationException($"Kernels with group intrinsics need a GPU or the ilgpu-cpu emulator; this engine has {string.Join(", ", Devices.Select(d => d.Id))}.");
    }
}
