using ILGPU;

namespace GpuCompute.Kernels;

/// <summary>
/// A kernel's view of a device-resident vector: indexed with global indices, backed by the elements that live on the
/// device running the kernel (its part, plus any elements the launch asked the engine to bring along).
/// </summary>
/// <remarks>
/// Reading or writing an index outside <see cref="First"/> .. <see cref="First"/> + <see cref="LocalLength"/> is out of
/// bounds, as in any ILGPU kernel: the data is not on this device.
/// </remarks>
/// <typeparam name="T">The element type.</typeparam>
public readonly struct VectorView<T>
    where T : unmanaged
{
    private readonly ArrayView<T> data;

    // The address of data[0] when the view is host memory, else 0 (see HostAddress).
    private readonly long hostAddress;

    /// <summary>Creates a view of <paramref name="data"/> holding global elements starting at <paramref name="first"/>.</summary>
    /// <param name="data">The device memory.</param>
    /// <param name="first">The global index of <paramref name="data"/>'s first element.</param>
    /// <param name="length">The whole vector's length.</param>
    public VectorView(ArrayView<T> data, long first, long length)
    {
        this.data = data;
        First = first;
        Length = length;
        hostAddress = HostAddress.Of(data);
    }

    /// <summary>The whole vector's length (across every device).</summary>
    public long Length { get; }

    /// <summary>The global index of the first element present on this device.</summary>
    public long First { get; }

    /// <summary>Number of elements present on this device.</summary>
    public long LocalLength => data.Length;

    /// <summary>The element at global index <paramref name="index"/>.</summary>
    /// <param name="index">A global index within this device's elements.</param>
    public ref T this[long index] => ref HostAddress.Element(hostAddress, data, index - First);
}
