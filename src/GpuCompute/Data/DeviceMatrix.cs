using GpuCompute.Matrices;

namespace GpuCompute.Data;

/// <summary>
/// A dense row-major matrix that lives in device memory, split across devices by rows (its <see cref="Layout"/> counts
/// rows): operations and user kernels run on each device's rows without copying to the host.
/// </summary>
/// <remarks>Made by <see cref="ComputeEngine.AllocateMatrix{T}(long, long, DataLayout?)"/> or
/// <see cref="ComputeEngine.UploadMatrix{T}(HostMatrix{T}, DataLayout?)"/>. Dispose it to free the device memory.</remarks>
/// <typeparam name="T">The element type.</typeparam>
public sealed class DeviceMatrix<T> : IDisposable
    where T : unmanaged
{
    internal DeviceMatrix(DistributedArray<T> storage)
    {
        Storage = storage;
    }

    /// <summary>Number of rows.</summary>
    public long Rows => Storage.Layout.Count;

    /// <summary>Number of columns.</summary>
    public long Columns => Storage.ItemSize;

    /// <summary>Which device holds which rows.</summary>
    public DataLayout Layout => Storage.Layout;

    /// <summary>True once disposed.</summary>
    public bool IsDisposed => Storage.IsDisposed;

    internal DistributedArray<T> Storage { get; }

    /// <summary>The same elements as a vector of length rows × columns, in row-major order (no copy; disposing either frees both).</summary>
    /// <remarks>Element-wise operations and reductions on a matrix go through this view.</remarks>
    public DeviceVector<T> AsVector() => new(Storage);

    /// <summary>Copies row-major <paramref name="source"/> (rows × columns elements) into the matrix. Blocks.</summary>
    /// <exception cref="ArgumentException">The length is not rows × columns.</exception>
    public void CopyFromHost(ReadOnlySpan<T> source)
    {
        DataGuard.SameLength(source.Length, Storage.Length, nameof(source), $"a {Rows} x {Columns} matrix");
        Storage.CopyFromHost(source);
    }

    /// <summary>Copies the matrix, row-major, into <paramref name="destination"/>. Blocks.</summary>
    /// <exception cref="ArgumentException">The length is not rows × columns.</exception>
    public void CopyToHost(Span<T> destination)
    {
        DataGuard.SameLength(destination.Length, Storage.Length, nameof(destination), $"a {Rows} x {Columns} matrix");
        Storage.CopyToHost(destination);
    }

    /// <summary>Copies the matrix, row-major, into a new array. Blocks.</summary>
    public T[] ToArray()
    {
        var result = new T[Storage.Length];
        CopyToHost(result);
        return result;
    }

    /// <summary>Frees the matrix's device memory.</summary>
    public void Dispose() => Storage.Dispose();

    /// <inheritdoc/>
    public override string ToString() => $"DeviceMatrix<{typeof(T).Name}>[{Rows} x {Columns}] on {Layout}";
}
