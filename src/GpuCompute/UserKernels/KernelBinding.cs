using GpuCompute.Data;
using GpuCompute.Backends;

namespace GpuCompute.Kernels;

/// <summary>
/// Hands a user kernel the data of one device's sub-range: the engine calls the launch's bind function once per device
/// part with one of these, and the kernel struct it returns runs that part.
/// </summary>
/// <remarks>
/// <see cref="View{T}(DeviceVector{T})"/> and <see cref="View{T}(DeviceMatrix{T})"/> give the device's own part (no copy).
/// <see cref="ViewWithHalo{T}"/> and <see cref="Whole{T}"/> bring neighbouring or all elements to the device first (copies
/// through the host, freed after the launch): treat those views as read-only, since writes to the copies are lost.
/// </remarks>
public sealed class KernelBinding
{
    private readonly ComputeEngine engine;
    private readonly List<IDisposable> temporaries;

    internal KernelBinding(ComputeEngine engine, DataLayout range, int part, List<IDisposable> temporaries)
    {
        this.engine = engine;
        Range = range;
        Part = range.Parts[part];
        this.temporaries = temporaries;
    }

    /// <summary>The device that runs this sub-range.</summary>
    public ComputeDevice Device => Part.Device;

    /// <summary>The first index (or row) of this sub-range.</summary>
    public long First => Part.First;

    /// <summary>Number of indices (or rows) in this sub-range.</summary>
    public long Count => Part.Count;

    internal LayoutPart Part { get; }

    private DataLayout Range { get; }

    /// <summary>This device's part of <paramref name="vector"/>, whose elements must line up with the range.</summary>
    /// <exception cref="ArgumentException">The vector's length or split differs from the range's, or it belongs to another engine.</exception>
    public VectorView<T> View<T>(DeviceVector<T> vector)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(vector);
        DistributedArray<T> storage = Aligned(vector.Storage, nameof(vector), "elements");
        int p = IndexOfPart(storage);
        return new VectorView<T>(storage.Part(p).View, storage.FirstElement(p), storage.Length);
    }

    /// <summary>This device's rows of <paramref name="matrix"/>, whose rows must line up with the range.</summary>
    /// <exception cref="ArgumentException">The matrix's rows or split differ from the range's, or it belongs to another engine.</exception>
    public MatrixView<T> View<T>(DeviceMatrix<T> matrix)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(matrix);
        DistributedArray<T> storage = Aligned(matrix.Storage, nameof(matrix), "rows");
        int p = IndexOfPart(storage);
        return new MatrixView<T>(storage.Part(p).View, Part.First, matrix.Rows, matrix.Columns);
    }

    /// <summary>
    /// This device's rows of <paramref name="matrix"/> plus up to <paramref name="haloRows"/> rows on each side (fewer
    /// at the matrix's edges), copied from the devices that hold them: what a stencil reading neighbours needs.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="haloRows"/> is negative.</exception>
    public MatrixView<T> ViewWithHalo<T>(DeviceMatrix<T> matrix, int haloRows)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentOutOfRangeException.ThrowIfNegative(haloRows);
        DistributedArray<T> storage = Aligned(matrix.Storage, nameof(matrix), "rows");
        if (haloRows == 0 || storage.Layout.Parts.Count == 1)
        {
            return View(matrix);
        }

        long first = Math.Max(0, Part.First - haloRows), end = Math.Min(matrix.Rows, Part.End + haloRows);
        DeviceBuffer<T> copy = Gather(storage, first * matrix.Columns, (end - first) * matrix.Columns);
        return new MatrixView<T>(copy.View, first, matrix.Rows, matrix.Columns);
    }

    /// <summary>All of <paramref name="vector"/> on this device (copied here unless it already is): for kernels that read
    /// every element, such as an N-body step. Any length; the vector need not line up with the range.</summary>
    public VectorView<T> Whole<T>(DeviceVector<T> vector)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(vector);
        DataGuard.Usable(engine, vector.Storage, nameof(vector));
        DistributedArray<T> storage = vector.Storage;
        if (storage.Layout.Parts is [LayoutPart only] && only.Device == Device)
        {
            return new VectorView<T>(storage.Part(0).View, 0, storage.Length);
        }

        return new VectorView<T>(Gather(storage, 0, storage.Length).View, 0, storage.Length);
    }

    /// <summary>Copies global elements [start, start + length) of <paramref name="storage"/> into new memory on this
    /// device, freed after the launch.</summary>
    private DeviceBuffer<T> Gather<T>(DistributedArray<T> storage, long start, long length)
        where T : unmanaged
    {
        DeviceBuffer<T> copy = storage.Gather(Device, start, length);
        temporaries.Add(copy);
        return copy;
    }

    private DistributedArray<T> Aligned<T>(DistributedArray<T> storage, string name, string unit)
        where T : unmanaged
    {
        DataGuard.Usable(engine, storage, name);
        if (storage.Layout.Count != Range.Count)
        {
            throw new ArgumentException(
                $"The index range has {Range.Count} {unit} but {name} has {storage.Layout.Count}: a range larger or smaller than the data would index past it.", name);
        }

        if (!storage.Layout.Equals(Range))
        {
            throw new ArgumentException(
                $"{name} is split across devices differently from the index range ({name}: {storage.Layout}; range: {Range}): allocate it with the range's layout.", name);
        }

        return storage;
    }

    private int IndexOfPart<T>(DistributedArray<T> storage)
        where T : unmanaged
    {
        for (int p = 0; p < storage.Layout.Parts.Count; p++)
        {
            if (storage.Layout.Parts[p] == Part)
            {
                return p;
            }
        }

        throw new InvalidOperationException("The range's part is missing from a layout equal to it."); // unreachable: layouts are equal
    }
}
