using GpuCompute.Devices;
using GpuCompute.Gemm;

namespace GpuCompute.Tests.Support;

/// <summary>A device for fault injection: computes nothing and throws on every tile after the first <c>okTiles</c>.</summary>
internal sealed class FailingDevice(string id, int okTiles) : ComputeDevice(id, "fault injector", DeviceKind.Cpu, 1L << 30)
{
    private int calls;

    internal override void RunGemmTile<T>(GemmProblem<T> problem, GemmTile tile)
    {
        if (Interlocked.Increment(ref calls) > okTiles)
        {
            throw new InvalidOperationException("injected device fault");
        }

        // A healthy call does the work on the host so calibration sees a plausible speed.
        Cpu.CpuGemm.Multiply(problem.Alpha, problem.TileA(tile), problem.OpA, problem.TileB(tile), problem.OpB, problem.Beta, problem.TileC(tile), 1);
    }
}
