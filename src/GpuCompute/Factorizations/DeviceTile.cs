using GpuCompute.Backends;

namespace GpuCompute.Factorizations;

/// <summary>A row-major view of a tile in a device buffer: element (i, j) at <c>Offset + i·Leading + j</c>.</summary>
internal readonly record struct DeviceTile<T>(DeviceBuffer<T> Buffer, long Offset, long Leading, int Rows, int Cols)
    where T : unmanaged
{
    /// <summary>The sub-view of <paramref name="rows"/> × <paramref name="cols"/> from (<paramref name="row"/>, <paramref name="col"/>).</summary>
    public DeviceTile<T> Slice(int row, int col, int rows, int cols) => new(Buffer, Offset + (row * Leading) + col, Leading, rows, cols);
}
