using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using GpuCompute.Backends;
using GpuCompute.Backends.Cpu;
using GpuCompute.Gemm;
using GpuCompute.Matrices;

namespace GpuCompute.Factorizations;

/// <summary>
/// The tile kernels' target for tiles in host memory, computed on by <paramref name="device"/> (the CPU device): GEMMs
/// through the device's packed SIMD GEMM within the task's lane (or on all its threads when
/// <paramref name="wholeDevice"/>: a cluster node running one tile kernel at a time), <see cref="TriangularBlock"/> for
/// the small solves, and SIMD transposes into pooled scratch.
/// </summary>
internal readonly struct HostTiles<T>(ComputeDevice device, CancellationToken cancellation, bool wholeDevice = false) : ITileTarget<T, HostMatrix<T>>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public int BaseOrder => TileRecursion<T, HostMatrix<T>, HostTiles<T>>.Base;

    public int Rows(HostMatrix<T> tile) => tile.Rows;

    public int Cols(HostMatrix<T> tile) => tile.Cols;

    public HostMatrix<T> Slice(HostMatrix<T> tile, int row, int col, int rows, int cols) => tile.Slice(row, col, rows, cols);

    public void Gemm(T alpha, HostMatrix<T> a, Transpose opA, HostMatrix<T> b, Transpose opB, T beta, HostMatrix<T> c)
    {
        if (c.Rows == 0 || c.Cols == 0)
        {
            return;
        }

        var problem = GemmProblem<T>.Create(alpha, a, opA, b, opB, beta, c);
        if (wholeDevice)
        {
            device.RunGemmTile(problem, new GemmTile(0, 0, c.Rows, c.Cols), cancellation);
        }
        else
        {
            device.RunGemmTileInLane(problem, new GemmTile(0, 0, c.Rows, c.Cols), cancellation);
        }
    }

    public void Solve(HostMatrix<T> triangle, HostMatrix<T> b, TriangularBlock.Shape shape) => TriangularBlock.Solve(triangle, b, shape);

    public void SyrkLower(HostMatrix<T> a, HostMatrix<T> c)
    {
        // The block's A·Aᵀ as one small GEMM into scratch (faster than a dot product per element), then only its
        // lower triangle is subtracted.
        int m = c.Rows;
        T[] scratch = ArrayPool<T>.Shared.Rent(Math.Max(1, m * m));
        try
        {
            var product = new HostMatrix<T>(scratch, m, m, Math.Max(1, m));
            Gemm(T.One, a, Transpose.None, a, Transpose.Transposed, T.Zero, product);
            for (int i = 0; i < m; i++)
            {
                Span<T> ci = c.Row(i);
                ReadOnlySpan<T> pi = product.Row(i);
                TensorPrimitives.Subtract<T>(ci[..(i + 1)], pi[..(i + 1)], ci[..(i + 1)]);
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(scratch);
        }
    }

    public int Potrf(HostMatrix<T> a)
    {
        int n = a.Rows;
        for (int j = 0; j < n; j++)
        {
            Span<T> aj = a.Row(j);
            T pivot = aj[j] - TensorPrimitives.Dot<T>(aj[..j], aj[..j]);
            if (!(pivot > T.Zero))
            {
                return j; // not positive definite (or NaN): the leading minor of order j + 1 is not positive
            }

            T diagonal = T.Sqrt(pivot);
            aj[j] = diagonal;
            for (int i = j + 1; i < n; i++)
            {
                Span<T> ai = a.Row(i);
                ai[j] = (ai[j] - TensorPrimitives.Dot<T>(ai[..j], aj[..j])) / diagonal;
            }
        }

        return -1;
    }

    public HostMatrix<T> Transposed(HostMatrix<T> tile)
    {
        int rows = tile.Rows, cols = tile.Cols;
        var transposed = new HostMatrix<T>(ArrayPool<T>.Shared.Rent(Math.Max(1, rows * cols)), cols, rows, Math.Max(1, rows));
        CpuTranspose.Run(tile.Data, tile.Offset, tile.LeadingDimension, transposed.Data, 0, transposed.LeadingDimension, rows, cols, threads: 1);
        return transposed;
    }

    public void Restore(HostMatrix<T> transposed, HostMatrix<T> tile, bool writeBack)
    {
        if (writeBack)
        {
            CpuTranspose.Run(transposed.Data, 0, transposed.LeadingDimension, tile.Data, tile.Offset, tile.LeadingDimension, transposed.Rows, transposed.Cols, threads: 1);
        }

        ArrayPool<T>.Shared.Return(transposed.Data);
    }

    public int LuColumns(HostMatrix<T> a, Span<int> pivots) => Factorizations.LuColumns.Factor(a, pivots);

    public void SwapRows(HostMatrix<T> a, ReadOnlySpan<int> pivots, int first, int origin) => RowInterchanges.Apply(a, pivots, first, origin);

    public void QrColumns(HostMatrix<T> a, HostMatrix<T> v, HostMatrix<T> t, Span<T> tau) => Factorizations.QrColumns.Factor(a, tau, v, t);

    public HostMatrix<T> Scratch(int rows, int cols) => new(ArrayPool<T>.Shared.Rent(Math.Max(1, rows * cols)), rows, cols, Math.Max(1, cols));

    public void Release(HostMatrix<T> scratch) => ArrayPool<T>.Shared.Return(scratch.Data);
}
