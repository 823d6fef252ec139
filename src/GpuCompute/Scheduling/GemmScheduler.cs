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
        TileExecutor<T> executor = Prepare(problem, null, CancellationToken.None);
        (DeviceShare[] shares, TileRecord[] trace) = executor.Run();
        return Report(problem, start, shares, trace, executor.EarlierFailures);
    }

    public async Task<GemmReport> RunAsync<T>(GemmProblem<T> problem, IProgress<GemmProgress>? progress, CancellationToken cancellation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long start = Stopwatch.GetTimestamp();
        TileExecutor<T> executor = Prepare(problem, progress, cancellation);
        (DeviceShare[] shares, TileRecord[] trace) = await executor.RunAsync().ConfigureAwait(false);
        return Report(problem, start, shares, trace, executor.EarlierFailures);
    }

    private TileExecutor<T> Prepare<T>(GemmProblem<T> problem, IProgress<GemmProgress>? progress, CancellationToken cancellation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var work = new GemmWorkload(
            planner.Plan(problem.M, problem.N, problem.K, devices.Count), problem.K, ScalarType.Size<T>(), !T.IsZero(problem.Beta));
        // One device, or a policy blind to speed, needs no calibration: placeholder models only record what they see.
        bool needsModels = devices.Count > 1 && (work.Count == 1 || policy is SchedulingPolicy.Adaptive or SchedulingPolicy.Weighted);
        var calibrationFailures = new List<DeviceFailedException>();
        (IReadOnlyList<ComputeDevice> used, IReadOnlyList<DeviceModel> models) = needsModels
            ? Calibrated<T>(calibrationFailures)
            : (devices, devices.Select(_ => new DeviceModel(1)).ToArray());
        if (work.Count == 1 && used.Count > 1)
        {
            // Size awareness: nothing to balance, so the whole product goes to the device expected to finish first.
            int best = Enumerable.Range(0, used.Count).MinBy(d => models[d].Seconds(work.Flops(0), work.BytesA(0) + work.BytesB(0) + work.BytesC(0)));
            (used, models) = ([used[best]], [models[best]]);
        }

        var dispatcher = TileDispatcher.Create(policy, work, models, seed);
        return new TileExecutor<T>(problem, work, used, dispatcher, progress, cancellation, calibrationFailures);
    }

    /// <summary>
    /// The devices whose models could be had, with their models. A device that fails its calibration is left out of
    /// the operation (its failure goes in the report); if every device fails, the operation fails.
    /// </summary>
    private (IReadOnlyList<ComputeDevice> Devices, IReadOnlyList<DeviceModel> Models) Calibrated<T>(List<DeviceFailedException> failures)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var healthy = new List<ComputeDevice>();
        var models = new List<DeviceModel>();
        foreach (ComputeDevice device in devices)
        {
            try
            {
                models.Add(calibrator.Model<T>(device));
                healthy.Add(device);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                failures.Add(new DeviceFailedException(device.Id, new GemmTile(0, 0, 0, 0), e));
            }
        }

        return healthy.Count > 0 ? (healthy, models) : throw new GemmFailedException(failures);
    }

    private GemmReport Report<T>(
        GemmProblem<T> problem, long start, DeviceShare[] shares, TileRecord[] trace, IReadOnlyList<DeviceFailedException> earlierFailures)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Every engine device appears in the report, with zero tiles where it was not used (and why, if it failed).
        DeviceShare[] all = devices
            .Select(d => shares.FirstOrDefault(s => s.DeviceId == d.Id)
                ?? new DeviceShare(d.Id, d.Name, d.Kind, 0, 0, 0, 0, earlierFailures.FirstOrDefault(f => f.DeviceId == d.Id)?.InnerException?.Message))
            .ToArray();
        return new GemmReport(
            problem.M, problem.N, problem.K, ScalarType.Name<T>(), policy, Stopwatch.GetElapsedTime(start).TotalSeconds, all, trace);
    }
}
