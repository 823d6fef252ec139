using GpuCompute.Gemm;
using GpuCompute.Kernels.Factorizations;
using GpuCompute.Kernels.LinearAlgebra;

namespace GpuCompute.Backends;

/// <summary>
/// Wraps a device and makes every one of its primitives (GEMM tiles and every per-part operation, calibration included)
/// throw after its first <c>okCalls</c>: a way to watch the engine re-run a failed device's tiles elsewhere, or report
/// the device-resident data it lost (the CLI's <c>--inject-fault</c>, and the fault tests). Memory and copies pass
/// through; calls that succeed are computed by the wrapped device.
/// </summary>
internal sealed class FaultInjectingDevice(ComputeDevice inner, int okCalls)
    : ComputeDevice(inner.Id, inner.Name, inner.Kind, inner.MemoryBytes)
{
    private int calls;

    internal override string Identity => inner.Identity;

    internal override bool CompilesKernels => inner.CompilesKernels;

    internal override bool RunsGroupKernels => inner.RunsGroupKernels;

    internal override bool ComputesInHostMemory => inner.ComputesInHostMemory;

    internal override int TaskLanes => inner.TaskLanes;

    internal override bool RunsTileKernels => inner.RunsTileKernels;

    internal override int TileBaseOrder => inner.TileBaseOrder;

    internal override bool OverlapsTransfers => inner.OverlapsTransfers;

    internal override long TileBudgetBytes => inner.TileBudgetBytes;

    internal override DeviceBuffer<T> Allocate<T>(long length) => inner.Allocate<T>(length);

    internal override (double BandwidthBytesPerSecond, double LatencySeconds)? MeasureTransfer() => inner.MeasureTransfer();

    internal override void RunGemmTile<T>(GemmProblem<T> problem, GemmTile tile, CancellationToken cancellation)
    {
        Call();
        inner.RunGemmTile(problem, tile, cancellation);
    }

    internal override void RunGemmTileInLane<T>(GemmProblem<T> problem, GemmTile tile, CancellationToken cancellation)
    {
        Call();
        inner.RunGemmTileInLane(problem, tile, cancellation);
    }

    internal override void Gemm<T>(DeviceGemm<T> gemm, CancellationToken cancellation)
    {
        Call();
        inner.Gemm(gemm, cancellation);
    }

    internal override void Map<T, TOperator>(DeviceBuffer<T> x, DeviceBuffer<T> result, TOperator op)
    {
        Call();
        inner.Map(x, result, op);
    }

    internal override void Zip<T, TOperator>(DeviceBuffer<T> x, DeviceBuffer<T> y, DeviceBuffer<T> result, TOperator op)
    {
        Call();
        inner.Zip(x, y, result, op);
    }

    internal override void Zip<T, TOperator>(DeviceBuffer<T> x, DeviceBuffer<T> y, DeviceBuffer<T> z, DeviceBuffer<T> result, TOperator op)
    {
        Call();
        inner.Zip(x, y, z, result, op);
    }

    internal override void Fill<T>(T value, DeviceBuffer<T> result)
    {
        Call();
        inner.Fill(value, result);
    }

    internal override void Copy<T>(DeviceBuffer<T> x, DeviceBuffer<T> result)
    {
        Call();
        inner.Copy(x, result);
    }

    internal override double Reduce<T>(ReductionKind kind, DeviceBuffer<T> x, DeviceBuffer<T>? y, double scale)
    {
        Call();
        return inner.Reduce(kind, x, y, scale);
    }

    internal override (T Value, long Index) Extreme<T>(DeviceBuffer<T> x, bool max)
    {
        Call();
        return inner.Extreme(x, max);
    }

    internal override void Gemv<T>(T alpha, DeviceBuffer<T> a, long columns, DeviceBuffer<T> x, T beta, DeviceBuffer<T> y)
    {
        Call();
        inner.Gemv(alpha, a, columns, x, beta, y);
    }

    internal override void Transpose<T>(DeviceBuffer<T> source, DeviceBuffer<T> destination, TransposeArguments block)
    {
        Call();
        inner.Transpose(source, destination, block);
    }

    internal override void TransposeFromHost<T>(T[] source, DeviceBuffer<T> destination, TransposeArguments block)
    {
        Call();
        inner.TransposeFromHost(source, destination, block);
    }

    internal override void GemmBatched<T>(T alpha, DeviceBuffer<T> a, DeviceBuffer<T> b, T beta, DeviceBuffer<T> c, long count, long m, long n, long k)
    {
        Call();
        inner.GemmBatched(alpha, a, b, beta, c, count, m, n, k);
    }

    internal override void TriangularSolve<T>(DeviceBuffer<T> m, DeviceBuffer<T> b, TriangularSolveArguments args)
    {
        Call();
        inner.TriangularSolve(m, b, args);
    }

    internal override void SyrkLower<T>(DeviceBuffer<T> a, DeviceBuffer<T> c, SyrkArguments args)
    {
        Call();
        inner.SyrkLower(a, c, args);
    }

    internal override int Potrf<T>(DeviceBuffer<T> a, PotrfArguments args)
    {
        Call();
        return inner.Potrf(a, args);
    }

    internal override int LuColumns<T>(DeviceBuffer<T> a, PanelArguments args, Span<int> pivots)
    {
        Call();
        return inner.LuColumns(a, args, pivots);
    }

    internal override void SwapRows<T>(DeviceBuffer<T> a, ReadOnlySpan<int> pivots, RowSwapArguments args)
    {
        Call();
        inner.SwapRows(a, pivots, args);
    }

    internal override void QrColumns<T>(DeviceBuffer<T> a, DeviceBuffer<T> v, DeviceBuffer<T> t, QrPanelArguments args, Span<T> tau)
    {
        Call();
        inner.QrColumns(a, v, t, args, tau);
    }

    internal override void Run1D<TKernel>(TKernel kernel, long first, long count)
    {
        Call();
        inner.Run1D(kernel, first, count);
    }

    internal override void Run2D<TKernel>(TKernel kernel, long firstRow, long rows, long columns)
    {
        Call();
        inner.Run2D(kernel, firstRow, rows, columns);
    }

    internal override void RunGrouped1D<TKernel>(TKernel kernel, long first, long count, int groupSize)
    {
        Call();
        inner.RunGrouped1D(kernel, first, count, groupSize);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Call()
    {
        if (Interlocked.Increment(ref calls) > okCalls)
        {
            throw new InvalidOperationException($"fault injected into {Id} after {okCalls} calls");
        }
    }
}
