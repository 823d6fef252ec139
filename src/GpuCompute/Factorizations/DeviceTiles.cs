using System.Numerics;
using GpuCompute.Backends;
using GpuCompute.Kernels.Factorizations;
using GpuCompute.Kernels.LinearAlgebra;
using GpuCompute.Matrices;

namespace GpuCompute.Factorizations;

/// <summary>
/// The tile kernels' target for tiles in the buffers of a device that computes in its own memory (ILGPU's): its GEMM
/// on buffer views, its tile kernels for the base cases (<see cref="ComputeDevice.RunsTileKernels"/>), and its
/// transpose kernel into a scratch buffer (from <paramref name="scratch"/> when the graph has one, else allocated for
/// the one solve).
/// </summary>
internal readonly struct DeviceTiles<T>(ComputeDevice device, CancellationToken cancellation, Tasks.DeviceScratch<T>? scratch = null) : ITileTarget<T, DeviceTile<T>>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public int BaseOrder => device.TileBaseOrder;

    public int Rows(DeviceTile<T> tile) => tile.Rows;

    public int Cols(DeviceTile<T> tile) => tile.Cols;

    public DeviceTile<T> Slice(DeviceTile<T> tile, int row, int col, int rows, int cols) => tile.Slice(row, col, rows, cols);

    public void Gemm(T alpha, DeviceTile<T> a, Transpose opA, DeviceTile<T> b, Transpose opB, T beta, DeviceTile<T> c)
    {
        if (c.Rows == 0 || c.Cols == 0)
        {
            return;
        }

        cancellation.ThrowIfCancellationRequested();
        long k = opA == Transpose.None ? a.Cols : a.Rows;
        device.Gemm(
            new DeviceGemm<T>(alpha, a.Buffer, a.Offset, Math.Max(1, a.Leading), opA, b.Buffer, b.Offset, Math.Max(1, b.Leading), opB, beta, c.Buffer, c.Offset, Math.Max(1, c.Leading), c.Rows, c.Cols, k),
            cancellation);
    }

    public void Solve(DeviceTile<T> triangle, DeviceTile<T> b, TriangularBlock.Shape shape)
    {
        // The right-hand sides are B's columns: one apart, each element a row (Leading) apart. Lᵀ is L read with its
        // strides swapped.
        bool transposed = shape == TriangularBlock.Shape.LowerTransposed;
        device.TriangularSolve(
            triangle.Buffer,
            b.Buffer,
            new TriangularSolveArguments(
                triangle.Rows,
                Vectors: b.Cols,
                FirstVector: 0,
                triangle.Offset,
                MRowStride: transposed ? 1 : triangle.Leading,
                MColumnStride: transposed ? triangle.Leading : 1,
                b.Offset,
                VectorStride: 1,
                ElementStride: b.Leading,
                Backward: shape is TriangularBlock.Shape.Upper or TriangularBlock.Shape.LowerTransposed ? 1 : 0,
                UnitDiagonal: shape == TriangularBlock.Shape.UnitLower ? 1 : 0));
    }

    public void SyrkLower(DeviceTile<T> a, DeviceTile<T> c) =>
        device.SyrkLower(a.Buffer, c.Buffer, new SyrkArguments(c.Rows, a.Cols, a.Offset, a.Leading, c.Offset, c.Leading));

    public int Potrf(DeviceTile<T> a) => device.Potrf(a.Buffer, new PotrfArguments(a.Rows, a.Offset, a.Leading));

    public DeviceTile<T> Transposed(DeviceTile<T> tile)
    {
        DeviceBuffer<T> buffer = Rent(Math.Max(1, (long)tile.Rows * tile.Cols));
        var transposed = new DeviceTile<T>(buffer, 0, Math.Max(1, tile.Rows), tile.Cols, tile.Rows);
        device.Transpose(tile.Buffer, buffer, new TransposeArguments(tile.Rows, tile.Cols, tile.Offset, tile.Leading, 0, transposed.Leading, 0));
        return transposed;
    }

    public void Restore(DeviceTile<T> transposed, DeviceTile<T> tile, bool writeBack)
    {
        try
        {
            if (writeBack)
            {
                device.Transpose(transposed.Buffer, tile.Buffer, new TransposeArguments(transposed.Rows, transposed.Cols, 0, transposed.Leading, tile.Offset, tile.Leading, 0));
            }
        }
        finally
        {
            GiveBack(transposed.Buffer);
        }
    }

    public int LuColumns(DeviceTile<T> a, Span<int> pivots) =>
        device.LuColumns(a.Buffer, new PanelArguments(a.Rows, a.Cols, a.Offset, a.Leading), pivots);

    public void SwapRows(DeviceTile<T> a, ReadOnlySpan<int> pivots, int first, int origin) =>
        device.SwapRows(a.Buffer, pivots, new RowSwapArguments(a.Cols, pivots.Length, first, origin, a.Offset, a.Leading));

    public void QrColumns(DeviceTile<T> a, DeviceTile<T> v, DeviceTile<T> t, Span<T> tau) =>
        device.QrColumns(
            a.Buffer, v.Buffer, t.Buffer, new QrPanelArguments(View(a), View(v), View(t)), tau);

    public DeviceTile<T> Scratch(int rows, int cols) => new(Rent(Math.Max(1, (long)rows * cols)), 0, Math.Max(1, cols), rows, cols);

    public void Release(DeviceTile<T> scratch) => GiveBack(scratch.Buffer);

    /// <summary>A scratch buffer of at least <paramref name="length"/> elements on the device.</summary>
    public DeviceBuffer<T> Rent(long length) => scratch?.Rent(device, length) ?? device.Allocate<T>(length);

    /// <summary>Ends the use of a buffer from <see cref="Rent"/>.</summary>
    public void GiveBack(DeviceBuffer<T> buffer)
    {
        if (scratch is null)
        {
            buffer.Dispose();
        }
        else
        {
            scratch.Return(device, buffer);
        }
    }

    private static PanelArguments View(DeviceTile<T> tile) => new(tile.Rows, tile.Cols, tile.Offset, tile.Leading);
}
