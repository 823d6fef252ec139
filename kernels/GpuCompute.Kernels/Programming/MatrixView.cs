using ILGPU;

namespace GpuCompute.Kernels;

/// <summary>
/// A kernel's view of a device-resident row-major matrix: indexed with global (row, column), backed by the rows that live
/// on the device running the kernel (its part, plus any halo rows the launch asked for).
/// </summary>
/// <remarks>
/// Rows outside <see cref="FirstRow"/> .. <see cref="FirstRow"/> + <see cref="LocalRows"/> are not on this device:
/// reading them is out of bounds, as in any ILGPU kernel.
/// </remarks>
/// <typeparam name="T">The element type.</typeparam>
public readonly struct MatrixView<T>
    where T : unmanaged
{
    private readonly ArrayView<T> data;

    // The address of data[0] when the view is host memory, else 0 (see HostAddress).
    private readonly long hostAddress;

    /// <summary>Creates a view of <paramref name="data"/> holding whole rows starting at global row <paramref name="firstRow"/>.</summary>
    /// <param name="data">The device memory: <c>localRows × columns</c> elements, row-major.</param>
    /// <param name="firstRow">The global row of <paramref name="data"/>'s first row.</param>
    /// <param name="rows">The whole matrix's rows.</param>
    /// <param name="columns">The matrix's columns.</param>
    public MatrixView(ArrayView<T> data, long firstRow, long rows, long columns)
    {
        this.data = data;
        FirstRow = firstRow;
        Rows = rows;
        Columns = columns;
        hostAddress = HostAddress.Of(data);
    }

    /// <summary>The whole matrix's rows (across every device).</summary>
    public long Rows { get; }

    /// <summary>The matrix's columns.</summary>
    public long Columns { get; }

    /// <summary>The global index of the first row present on this device.</summary>
    public long FirstRow { get; }

    /// <summary>Number of rows present on this device.</summary>
    public long LocalRows => Columns == 0 ? 0 : data.Length / Columns;

    /// <summary>The element at global (<paramref name="row"/>, <paramref name="column"/>).</summary>
    /// <param name="row">A global row present on this device.</param>
    /// <param name="column">A column in [0, <see cref="Columns"/>).</param>
    public ref T this[long row, long column] => ref HostAddress.Element(hostAddress, data, ((row - FirstRow) * Columns) + column);
}
