using System.Diagnostics;
using System.Numerics;
using GpuCompute.Devices;
using GpuCompute.Gemm;
using GpuCompute.Matrices;

namespace GpuCompute.Scheduling;

/// <summary>Plans a GEMM's tiles, assigns them to devices by the policy, runs them and reports.</summary>
internal sealed class GemmScheduler(IReadOnlyList<ComputeDevice> devices, SchedulingPolicy policy, int seed, TilePlanner planner)
{
    private readonly DeviceCalibrator calibrator = new();

    /// <summary>The measured throughput of each device in precision <typeparamref name="T"/> (calibrated once).</summary>
    public IReadOnlyList<double> Weights<T>()
        where T : unmanaged, IFloatingPointIeee754<T> =>
        devices.Count == 1 ? [1.0] : devices.Select(d => calibrator.Gflops<T>(d)).ToArray();

    public GemmReport Run<T>(GemmProblem<T> problem)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long start = Stopwatch.GetTimestamp();
        IReadOnlyList<GemmTile> tiles = planner.Plan(problem.M, problem.N, problem.K, devices.Count);
        int[][] queues = Assign<T>(tiles.Count);
        (DeviceShare[] shares, TileRecord[] trace) = TileExecutor.Run(problem, tiles, devices, queues);
        return new GemmReport(
            problem.M, problem.N, problem.K, ScalarType.Name<T>(), policy,
            Stopwatch.GetElapsedTime(start).TotalSeconds, shares, trace);
    }

    private int[][] Assign<T>(int tileCount)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (tileCount <= 1 || devices.Count == 1)
        {
            // Nothing to balance: the whole product goes to the fastest device.
            IReadOnlyList<double> weights = tileCount == 0 ? [.. devices.Select(_ => 1.0)] : Weights<T>();
            int best = Enumerable.Range(0, devices.Count).MaxBy(d => weights[d]);
            return [.. Enumerable.Range(0, devices.Count).Select(d => d == best ? Enumerable.Range(0, tileCount).ToArray() : [])];
        }

        return TileAssignment.Assign(policy, tileCount, Weights<T>(), seed);
    }
}
