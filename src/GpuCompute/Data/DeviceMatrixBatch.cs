namespace GpuCompute.Data;

/// <summary>
/// A batch of equally shaped row-major matrices in device memory, split across devices by whole matrices (its
/// <see cref="Layout"/> counts matrices): the operand type of batched GEMM.
/// </summary>
/// <remarks>Matrix i occupies elements [i·rows·columns, (i + 1)·rows·columns) of the row-major host image.</remarks>
/// <typeparam name="T">The element type.</typeparam>
public sealed class DeviceMatrixBatch<T> : IDisposable
    where T : unmanaged
{
    internal DeviceMatrixBatch(DistributedArray<T> storage, long rows, long columns)
    {
        Storage = storage;
        Rows = rows;
        Columns = columns;
    }

    /// <summary>Number of matrices.</summary>
    public long Count => Storage.Layout.Count;

    /// <summary>Rows of each matrix.</summary>
    public long Rows { get; }

    /// <summary>Columns of each matrix.</summary>
    public long Columns { get; }

    /// <summary>Which device holds which matrices.</summary>
    public DataLayout Layout => Storage.Layout;

    /// <summary>True once disposed.</summary>
    public bool IsDisposed => Storage.IsDisposed;

    internal DistributedArray<T> Storage { get; }

    /// <summary>Copies count × rows × columns elements (matrix after matrix, each row-major) into the batch. Blocks.</summary>
    /// <exception cref="ArgumentException">The length does not match.</exception>
    public void CopyFromHost(ReadOnlySpan<T> source)
    {
        DataGuard.SameLength(source.Length, Storage.Length, nameof(source), Describe());
        Storage.CopyFromHost(source);
    }

    /// <summary>Copies the batch (matrix after matrix, each row-major) into <paramref name="destination"/>. Blocks.</summary>
    /// <exception cref="ArgumentException">The length does not match.</exception>
    public void CopyToHost(Span<T> destination)
    {
        DataGuard.SameLength(destination.Length, Storage.Length, nameof(destination), Describe());
        Storage.CopyToHost(destination);
    }

    /// <summary>Copies the batch into a new array. Blocks.</summary>
    public T[] ToArray()
    {
        var result = new T[Storage.Length];
        CopyToHost(result);
        return result;
    }

    /// <summary>Frees the batch's device memory.</summary>
    public void Dispose() => Storage.Dispose();

    /// <inheritdoc/>
    public override string ToString() => $"DeviceMatrixBatch<{typeof(T).Name}>[{Describe()}] on {Layout}";

    private string Describe() => $"a batch of {Count} {Rows} x {Columns} matrices";
}
