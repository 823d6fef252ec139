using System.Diagnostics;
using System.Numerics;
using GpuCompute.Devices;
using GpuCompute.Gemm;
using GpuCompute.Matrices;

namespace GpuCompute.Scheduling;

/// <summary>Plans a GEMM's tiles, hands them to the devices by the policy, runs them and reports.</summary>
internal sealed class GemmScheduler(
    IReadOnlyList<ComputeDevice> devices, SchedulingPolicy policy, int seed, TilePlanner planner, DeviceCalibrator? calibrator = null)
{
    private readonly DeviceCalibrator calibrator = calibrator ?? new DeviceCalibrator();

    /// <summary>The device models this scheduler plans with.</summary>
    public DeviceCalibrator Calibrator => calibrator;

    public GemmReport Run<T>(GemmProblem<T> problem)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long start = Stopwatch.GetTimestamp();
        (DeviceShare[] shares, TileRecord[] trace) = Prepare(problem, null, CancellationToken.None).Run();
        return Report(problem, start, shares, trace);
    }

    public async Task<GemmReport> RunAsync<T>(GemmProblem<T> problem, IProgress<GemmProgress>? progress, CancellationToken cancellation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long start = Stopwatch.GetTimestamp();
        (DeviceShare[] shares, TileRecord[] trace) = await Prepare(problem, progress, cancellation).RunAsync().ConfigureAwait(false);
        return Report(problem, start, shares, trace);
    }

    private TileExecutor<T> Prepare<T>(GemmProblem<T> problem, IProgress<GemmProgress>? progress, CancellationToken cancellation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var work = new GemmWorkload(
            planner.Plan(problem.M, problem.N, problem.K, devices.Count), problem.K, ScalarType.Size<T>(), !T.IsZero(problem.Beta));
        IReadOnlyList<ComputeDevice> used = devices;
        if (work.Count <= 1 && devices.Count > 1)
        {
            // Size awareness: nothing to balance, so the whole product goes to the device expected to finish first.
            used = [devices.MinBy(d => work.Count == 0 ? 0 : calibrator.Model<T>(d).Seconds(work.Flops(0), work.BytesA(0) + work.BytesB(0) + work.BytesC(0)))!];
        }

        // One device, or a policy blind to speed, needs no calibration: placeholder models only record what they see.
        bool needsModels = used.Count > 1 && policy is SchedulingPolicy.Adaptive or SchedulingPolicy.Weighted;
        IReadOnlyList<DeviceModel> models = needsModels ? used.Select(calibrator.Model<T>).ToArray() : used.Select(_ => new DeviceModel(1)).ToArray();
        var dispatcher = TileDispatcher.Create(policy, work, models, seed);
        return new TileExecutor<T>(problem, work, used, dispatcher, progress, cancellation);
    }

    private GemmReport Report<T>(GemmProblem<T> problem, long start, DeviceShare[] shares, TileRecord[] trace)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Every engine device appears in the report, with zero tiles where it was not used.
        DeviceShare[] all = devices
            .Select(d => shares.FirstOrDefault(s => s.DeviceId == d.Id) ?? new DeviceShare(d.Id, d.Name, d.Kind, 0, 0, 0, 0, null))
            .ToArray();
        return new GemmReport(
            problem.M, problem.N, problem.K, ScalarType.Name<T>(), policy, Stopwatch.GetElapsedTime(start).TotalSeconds, all, trace);
    }
}
