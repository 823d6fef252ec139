using GpuCompute.Gemm;

namespace GpuCompute.Devices;

/// <summary>
/// Wraps a device and makes it throw on every tile after its first <c>okTiles</c>: a way to watch the scheduler
/// re-run a failed device's tiles elsewhere (the CLI's <c>--inject-fault</c>). Tiles it does compute are computed
/// by the wrapped device.
/// </summary>
internal sealed class FaultInjectingDevice(ComputeDevice inner, int okTiles)
    : ComputeDevice(inner.Id, inner.Name, inner.Kind, inner.MemoryBytes)
{
    private int tiles;

    internal override string Identity => inner.Identity;

    internal override void RunGemmTile<T>(GemmProblem<T> problem, GemmTile tile, CancellationToken cancellation)
    {
        if (Interlocked.Increment(ref tiles) > okTiles)
        {
            throw new InvalidOperationException($"fault injected into {Id} after {okTiles} tiles");
        }

        inner.RunGemmTile(problem, tile, cancellation);
    }

    // Faults are injected into GEMM tiles only; device-resident data lives in the wrapped device.
    internal override DeviceMemory<T> Allocate<T>(long length) => inner.Allocate<T>(length);

    internal override ComputeDevice DataDevice => inner.DataDevice;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
