namespace GpuCompute.Data;

/// <summary>
/// A vector that lives in device memory, split across devices by its <see cref="Layout"/>: operations on it run where
/// its elements are, with no copy to the host until <see cref="CopyToHost"/> or <see cref="ToArray"/>.
/// </summary>
/// <remarks>Made by <see cref="ComputeEngine.AllocateVector{T}(long, DataLayout?)"/> or
/// <see cref="ComputeEngine.UploadVector{T}(ReadOnlySpan{T}, DataLayout?)"/>. Dispose it to free the device memory; it
/// must not outlive its engine.</remarks>
/// <typeparam name="T">The element type (any unmanaged type for user kernels; float or double for the built-in operations).</typeparam>
public sealed class DeviceVector<T> : IDisposable
    where T : unmanaged
{
    internal DeviceVector(DistributedArray<T> storage)
    {
        Storage = storage;
    }

    /// <summary>Number of elements.</summary>
    public long Length => Storage.Length;

    /// <summary>Which device holds which elements.</summary>
    public DataLayout Layout => Storage.Layout;

    /// <summary>True once disposed (or once its matrix, for a vector made by <see cref="DeviceMatrix{T}.AsVector"/>, is).</summary>
    public bool IsDisposed => Storage.IsDisposed;

    internal DistributedArray<T> Storage { get; }

    /// <summary>Copies <paramref name="source"/> into the vector (each device's part to its device). Blocks.</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    /// <exception cref="ObjectDisposedException">The vector was disposed.</exception>
    public void CopyFromHost(ReadOnlySpan<T> source)
    {
        DataGuard.SameLength(source.Length, Length, nameof(source));
        Storage.CopyFromHost(source);
    }

    /// <summary>Copies the vector into <paramref name="destination"/>. Blocks.</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    /// <exception cref="ObjectDisposedException">The vector was disposed.</exception>
    public void CopyToHost(Span<T> destination)
    {
        DataGuard.SameLength(destination.Length, Length, nameof(destination));
        Storage.CopyToHost(destination);
    }

    /// <summary>Copies the vector into a new array. Blocks.</summary>
    public T[] ToArray()
    {
        var result = new T[Length];
        CopyToHost(result);
        return result;
    }

    /// <summary>Frees the vector's device memory.</summary>
    public void Dispose() => Storage.Dispose();

    /// <inheritdoc/>
    public override string ToString() => $"DeviceVector<{typeof(T).Name}>[{Length}] on {Layout}";
}
