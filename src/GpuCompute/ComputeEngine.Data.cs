using GpuCompute.Backends;
using GpuCompute.Data;
using GpuCompute.Matrices;

namespace GpuCompute;

/// <summary>Device-resident data: layouts, allocation and uploads.</summary>
public sealed partial class ComputeEngine
{
    /// <summary>
    /// The engine's default split of <paramref name="count"/> items across its devices: in proportion to each device's
    /// measured memory bandwidth (device-resident operations are mostly memory-bound), leaving out devices whose share
    /// would be under 2 %; arrays under 2¹⁶ elements stay on the fastest device.
    /// </summary>
    /// <remarks>The same count always gives the same layout within one engine, so arrays allocated with defaults line up.
    /// With several devices, the first call measures their bandwidth (milliseconds; never a GEMM calibration). A device
    /// whose measurement fails is left out, with a warning.</remarks>
    public DataLayout Layout(long count) => DefaultLayout(count, itemSize: 1);

    /// <summary>A split of <paramref name="count"/> items across <paramref name="devices"/>, in proportion to
    /// <paramref name="weights"/> (equal shares when null).</summary>
    /// <exception cref="ArgumentException">A device is not one of this engine's, or the weights do not match the devices.</exception>
    public DataLayout Layout(long count, IReadOnlyList<ComputeDevice> devices, IReadOnlyList<double>? weights = null)
    {
        ThrowIfDisposed();
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentNullException.ThrowIfNull(devices);
        if (devices.Count == 0)
        {
            throw new ArgumentException("A layout needs at least one device.", nameof(devices));
        }

        if (devices.FirstOrDefault(d => !Devices.Contains(d)) is ComputeDevice stranger)
        {
            throw new ArgumentException($"Device {stranger.Id} is not one of this engine's devices ({string.Join(", ", Devices.Select(d => d.Id))}).", nameof(devices));
        }

        if (devices.FirstOrDefault(d => !d.HoldsData) is ComputeDevice node)
        {
            throw new ArgumentException($"Device {node.Id} is a cluster node: it computes what it is sent and holds no device-resident data.", nameof(devices));
        }

        if (devices.Distinct().Count() != devices.Count)
        {
            throw new ArgumentException("A device appears twice in the layout.", nameof(devices));
        }

        weights ??= devices.Select(_ => 1.0).ToArray();
        if (weights.Count != devices.Count || weights.Any(w => !(w >= 0) || double.IsInfinity(w)) || weights.Sum() <= 0)
        {
            throw new ArgumentException($"Give one finite, non-negative weight per device ({devices.Count}), not all zero.", nameof(weights));
        }

        return DataLayout.Split(this, count, devices, weights);
    }

    /// <summary>All <paramref name="count"/> items on <paramref name="device"/>.</summary>
    public DataLayout Layout(long count, ComputeDevice device) => Layout(count, [device]);

    /// <summary>Allocates a zero-filled vector of <paramref name="length"/> elements in device memory.</summary>
    /// <param name="length">Number of elements.</param>
    /// <param name="layout">Which devices hold which elements; null for <see cref="Layout(long)"/>.</param>
    /// <exception cref="ArgumentException">The layout is of another length or another engine.</exception>
    public DeviceVector<T> AllocateVector<T>(long length, DataLayout? layout = null)
        where T : unmanaged => new(Allocate<T>(length, 1, layout, nameof(length)));

    /// <summary>Copies <paramref name="source"/> into a new device vector. Blocks until the copy is done.</summary>
    public DeviceVector<T> UploadVector<T>(ReadOnlySpan<T> source, DataLayout? layout = null)
        where T : unmanaged
    {
        DeviceVector<T> vector = AllocateVector<T>(source.Length, layout);
        vector.Storage.CopyFromHost(source);
        return vector;
    }

    /// <summary>Allocates a zero-filled <paramref name="rows"/> × <paramref name="columns"/> matrix in device memory.</summary>
    /// <param name="rows">Rows.</param>
    /// <param name="columns">Columns.</param>
    /// <param name="rowLayout">Which devices hold which rows; null for the default split of the rows.</param>
    public DeviceMatrix<T> AllocateMatrix<T>(long rows, long columns, DataLayout? rowLayout = null)
        where T : unmanaged
    {
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        return new(Allocate<T>(rows, columns, rowLayout, nameof(rows)));
    }

    /// <summary>Copies <paramref name="source"/> into a new device matrix. Blocks until the copy is done.</summary>
    public DeviceMatrix<T> UploadMatrix<T>(HostMatrix<T> source, DataLayout? rowLayout = null)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(source);
        DeviceMatrix<T> matrix = AllocateMatrix<T>(source.Rows, source.Cols, rowLayout);
        matrix.CopyFromHost(source);
        return matrix;
    }

    /// <summary>Allocates a zero-filled batch of <paramref name="count"/> matrices, each <paramref name="rows"/> × <paramref name="columns"/>.</summary>
    /// <param name="count">Number of matrices.</param>
    /// <param name="rows">Rows of each.</param>
    /// <param name="columns">Columns of each.</param>
    /// <param name="layout">Which devices hold which matrices; null for the default split.</param>
    public DeviceMatrixBatch<T> AllocateBatch<T>(long count, long rows, long columns, DataLayout? layout = null)
        where T : unmanaged
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        long size = checked(rows * columns);
        return new(Allocate<T>(count, size, layout, nameof(count)), rows, columns);
    }

    /// <summary>Copies <paramref name="source"/> (matrix after matrix, each row-major) into a new batch. Blocks.</summary>
    public DeviceMatrixBatch<T> UploadBatch<T>(ReadOnlySpan<T> source, long count, long rows, long columns, DataLayout? layout = null)
        where T : unmanaged
    {
        DeviceMatrixBatch<T> batch = AllocateBatch<T>(count, rows, columns, layout);
        batch.CopyFromHost(source);
        return batch;
    }

    private DistributedArray<T> Allocate<T>(long count, long itemSize, DataLayout? layout, string parameter)
        where T : unmanaged
    {
        ThrowIfDisposed();
        ArgumentOutOfRangeException.ThrowIfNegative(count, parameter);
        if (count > 0 && itemSize > long.MaxValue / count)
        {
            throw new ArgumentOutOfRangeException(parameter, $"{count} items of {itemSize} elements overflow a 64-bit element count.");
        }

        if (layout is not null)
        {
            DataGuard.Owned(this, layout, nameof(layout));
            if (layout.Count != count)
            {
                throw new ArgumentException($"The layout splits {layout.Count} items, but {count} were asked for.", nameof(layout));
            }
        }

        return new DistributedArray<T>(layout ?? DefaultLayout(count, itemSize), itemSize);
    }

    private DataLayout DefaultLayout(long count, long itemSize)
    {
        ThrowIfDisposed();
        return defaultLayouts.For(count, itemSize);
    }
}
