using System.Diagnostics;
using GpuCompute.Backends;
using GpuCompute.Gemm;

namespace GpuCompute.Tests.Support;

/// <summary>
/// A device of a chosen speed for scheduler tests: computes each tile on one host thread, then waits until the tile
/// has taken flops / <c>gflops</c> seconds, so devices of different speeds can run side by side on any machine.
/// <see cref="FailAfter"/> injects a fault.
/// </summary>
internal sealed class ThrottledDevice(string id, double gflops)
    : ComputeDevice(id, $"throttled {gflops} GFLOP/s", DeviceKind.Cpu, 1L << 30)
{
    private int calls;
    private int failAfterCall = int.MaxValue;

    public int Calls => Volatile.Read(ref calls);

    /// <summary>From now on, the device computes <paramref name="okTiles"/> more tiles, then throws on every tile.</summary>
    public void FailAfter(int okTiles) => Volatile.Write(ref failAfterCall, Calls + okTiles);

    internal override void RunGemmTile<T>(GemmProblem<T> problem, GemmTile tile, CancellationToken cancellation)
    {
        if (Interlocked.Increment(ref calls) > Volatile.Read(ref failAfterCall))
        {
            throw new InvalidOperationException($"injected fault in {Id}");
        }

        long start = Stopwatch.GetTimestamp();
        GpuCompute.Backends.Cpu.CpuGemm.Multiply(problem.Alpha, problem.TileA(tile), problem.OpA, problem.TileB(tile), problem.OpB, problem.Beta, problem.TileC(tile), 1);
        TimeSpan target = TimeSpan.FromSeconds(tile.Flops(problem.K) / (gflops * 1e9));
        TimeSpan left = target - Stopwatch.GetElapsedTime(start);
        if (left > TimeSpan.Zero)
        {
            Thread.Sleep(left);
        }
    }
}
