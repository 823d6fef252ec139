using System.Diagnostics;
using System.Numerics;
using GpuCompute.Backends;
using GpuCompute.Diagnostics;
using GpuCompute.Gemm;
using GpuCompute.Matrices;

namespace GpuCompute.Scheduling;

/// <summary>Plans a GEMM's tiles, hands them to the devices by the policy, runs them and reports.</summary>
internal sealed class GemmScheduler(
    IReadOnlyList<ComputeDevice> devices, SchedulingPolicy policy, int seed, TilePlanner planner, DeviceCalibrator? calibrator = null)
{
    private readonly DeviceCalibrator calibrator = calibrator ?? new DeviceCalibrator();

    /// <summary>Runs the product, blocking; <paramref name="cancellation"/> (the engine's lifetime) stops it between
    /// tiles and inside long tiles.</summary>
    public GemmReport Run<T>(GemmProblem<T> problem, CancellationToken cancellation = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long start = Stopwatch.GetTimestamp();
        using Activity? span = StartSpan(problem);
        if (problem.ScalesOnly)
        {
            return ScaleOnly(problem, start);
        }

        if (devices.Count == 1 && planner.Plan(problem.M, problem.N, problem.K, 1) is [GemmTile only])
        {
            return RunWhole(problem, only, start, cancellation);
        }

        (WorkExecutor executor, GemmTilePlan<T> plan, IReadOnlyList<string> satOut) = Prepare(problem, null, cancellation, devices, []);
        try
        {
            return Report(problem, start, plan, executor, executor.Run(), satOut);
        }
        catch (GemmFailedException failure) when (Standby(problem, plan) is { Count: > 0 } standby)
        {
            (executor, plan, satOut) = Prepare(problem, null, cancellation, standby, failure.Failures);
            return Report(problem, start, plan, executor, executor.Run(), satOut);
        }
    }

    public async Task<GemmReport> RunAsync<T>(GemmProblem<T> problem, IProgress<GemmProgress>? progress, CancellationToken cancellation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long start = Stopwatch.GetTimestamp();
        using Activity? span = StartSpan(problem);
        if (problem.ScalesOnly)
        {
            return ScaleOnly(problem, start);
        }

        (WorkExecutor executor, GemmTilePlan<T> plan, IReadOnlyList<string> satOut) = Prepare(problem, progress, cancellation, devices, []);
        try
        {
            return Report(problem, start, plan, executor, await executor.RunAsync().ConfigureAwait(false), satOut);
        }
        catch (GemmFailedException failure) when (Standby(problem, plan) is { Count: > 0 } standby)
        {
            (executor, plan, satOut) = Prepare(problem, progress, cancellation, standby, failure.Failures);
            return Report(problem, start, plan, executor, await executor.RunAsync().ConfigureAwait(false), satOut);
        }
    }

    /// <summary>
    /// The devices that sat an operation out, to run it again when every device that took part failed (a small
    /// product sent whole to a node that died, say). Only when β = 0: C is then only written, so tiles the failed
    /// devices finished or half-wrote are simply computed again; with β ≠ 0 they may already hold β·C, and the failure
    /// stands.
    /// </summary>
    private IReadOnlyList<ComputeDevice> Standby<T>(GemmProblem<T> problem, GemmTilePlan<T> plan)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        T.IsZero(problem.Beta) ? [.. devices.Where(d => !plan.Devices.Contains(d))] : [];

    /// <summary>
    /// One device, one tile: the executor's inline path on the calling thread, so small products pay no scheduling cost
    /// (same results, report and failure as the general path).
    /// </summary>
    private GemmReport RunWhole<T>(GemmProblem<T> problem, GemmTile tile, long start, CancellationToken cancellation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ComputeDevice device = devices[0];
        try
        {
            WorkExecutor.RunInline(
                "gemm",
                device,
                () => $"tile (0, 0) {tile.Rows}x{tile.Cols}",
                stop => device.RunGemmTile(problem, tile, stop),
                cancellation,
                () => (problem.Flops, 0),
                e => new DeviceFailedException(device.Id, tile, e));
        }
        catch (DeviceFailedException failure)
        {
            throw new GemmFailedException([failure]);
        }

        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return new GemmReport(
            problem.M, problem.N, problem.K, ScalarType.Name<T>(), policy, seconds,
            [new DeviceShare(device.Id, device.Name, device.Kind, 1, seconds, problem.Flops, 0, null)],
            [new TileRecord(device.Id, tile, 0, seconds, 0, Failed: false)]);
    }

    /// <summary>The operation's span, tagged with its shape (null when nobody listens).</summary>
    private Activity? StartSpan<T>(GemmProblem<T> problem)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Activity? span = EngineTelemetry.Source.StartActivity("gemm");
        span?.SetTag("gpucompute.m", problem.M);
        span?.SetTag("gpucompute.n", problem.N);
        span?.SetTag("gpucompute.k", problem.K);
        span?.SetTag("gpucompute.precision", ScalarType.Name<T>());
        span?.SetTag("gpucompute.policy", SchedulingPolicyNames.Name(policy));
        return span;
    }

    /// <summary>
    /// α = 0 or K = 0: there is no product term, so C ← β·C on the calling thread without reading A or B (BLAS
    /// semantics; NaN in A or B does not reach C). β = 0 writes zeros, β = 1 leaves C untouched. No device computes.
    /// </summary>
    private GemmReport ScaleOnly<T>(GemmProblem<T> problem, long start)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        HostMatrix<T> c = problem.C;
        T beta = problem.Beta;
        if (beta != T.One)
        {
            for (int i = 0; i < c.Rows; i++)
            {
                Span<T> row = c.Row(i);
                if (T.IsZero(beta))
                {
                    row.Clear();
                }
                else
                {
                    System.Numerics.Tensors.TensorPrimitives.Multiply(row, beta, row);
                }
            }
        }

        return new GemmReport(
            problem.M, problem.N, problem.K, ScalarType.Name<T>(), policy, Stopwatch.GetElapsedTime(start).TotalSeconds,
            devices.Select(d => new DeviceShare(d.Id, d.Name, d.Kind, 0, 0, 0, 0, null)).ToArray(), []);
    }

    /// <summary>Plans the product on <paramref name="candidates"/> (the engine's, or those that stood by while a first
    /// attempt failed, whose failures come in <paramref name="failedBefore"/> for the report).</summary>
    private (WorkExecutor Executor, GemmTilePlan<T> Plan, IReadOnlyList<string> SatOut) Prepare<T>(
        GemmProblem<T> problem, IProgress<GemmProgress>? progress, CancellationToken cancellation,
        IReadOnlyList<ComputeDevice> candidates, IReadOnlyList<DeviceFailedException> failedBefore)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        GemmWorkload work = Plan(problem, candidates.Count);
        var calibrationFailures = new List<DeviceFailedException>(failedBefore);
        IReadOnlyList<string> satOut = [];
        IReadOnlyList<ComputeDevice> used = candidates;
        IReadOnlyList<DeviceModel> models;
        TileDispatcher dispatcher;

        // One device, or a policy blind to speed, needs no calibration: placeholder models only record what they see.
        if (candidates.Count > 1 && (work.Count == 1 || policy is SchedulingPolicy.Adaptive or SchedulingPolicy.Weighted))
        {
            (used, models) = Calibrated<T>(candidates, calibrationFailures);
            if (policy == SchedulingPolicy.Adaptive)
            {
                // The partition sizes a block per device from the models and leaves devices too slow to help without
                // one; those sit the operation out (a worker that can only wait costs a thread and its wake-ups).
                GemmPartition partition = BlockPartition.Plan(planner, problem.M, problem.N, problem.K, ScalarType.Size<T>(), !T.IsZero(problem.Beta), models);
                int[] keep = Enumerable.Range(0, used.Count).Where(d => partition.Queues[d].Length > 0).ToArray();
                if (keep.Length > 0 && keep.Length < used.Count)
                {
                    satOut = [.. Enumerable.Range(0, used.Count).Where(d => !keep.Contains(d)).Select(d => SatOut(used[d], models[d], "the product finishes sooner without it"))];
                    (used, models) = (keep.Select(d => used[d]).ToArray(), keep.Select(d => models[d]).ToArray());
                    partition = partition with { Queues = keep.Select(d => partition.Queues[d]).ToArray(), Blocks = keep.Select(d => partition.Blocks[d]).ToArray() };
                }

                dispatcher = TileDispatcher.Adaptive(partition, models);
            }
            else
            {
                (IReadOnlyList<ComputeDevice> calibrated, IReadOnlyList<DeviceModel> all) = (used, models);
                (used, models, work) = WithoutDevicesTooSlowToHelp(problem, used, models);
                satOut = [.. calibrated.Select((d, i) => (d, i)).Where(p => !used.Contains(p.d)).Select(p => SatOut(p.d, all[p.i], "its share would be under half a tile"))];
                dispatcher = TileDispatcher.Create(policy, work, models, seed);
            }
        }
        else
        {
            models = candidates.Select(_ => new DeviceModel(1)).ToArray();
            dispatcher = policy == SchedulingPolicy.Adaptive
                ? TileDispatcher.Plan(policy, planner, problem.M, problem.N, problem.K, ScalarType.Size<T>(), !T.IsZero(problem.Beta), models, seed)
                : TileDispatcher.Create(policy, work, models, seed);
        }

        var plan = new GemmTilePlan<T>(problem, dispatcher.Work, used);
        return (new WorkExecutor(plan, dispatcher, dispatcher.Work.Count, progress, cancellation, calibrationFailures), plan, satOut);
    }

    /// <summary>Why a device got no tile, with the model the planner judged it by (its link too, for devices that
    /// have one: a cluster node's network, a GPU's bus).</summary>
    private static string SatOut(ComputeDevice device, DeviceModel model, string reason) =>
        $"{device.Id} sat out: {reason} (by its model, {model.Gflops:F1} GFLOP/s"
        + (model.ComputesFromHost ? ")" : $", link {model.BandwidthBytesPerSecond / 1e9:F2} GB/s, {model.LatencySeconds * 1e6:F0} µs latency)");

    private GemmWorkload Plan<T>(GemmProblem<T> problem, int deviceCount)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        new(planner.Plan(problem.M, problem.N, problem.K, deviceCount), problem.K, ScalarType.Size<T>(), !T.IsZero(problem.Beta));

    /// <summary>
    /// Size awareness for the static policies: leaves out devices whose expected share is under half a tile (they
    /// could only straggle, and planning for them cuts the product into needlessly small tiles), then plans for those
    /// that remain. A product of one tile goes whole to the device expected to finish it first.
    /// </summary>
    private (IReadOnlyList<ComputeDevice>, IReadOnlyList<DeviceModel>, GemmWorkload) WithoutDevicesTooSlowToHelp<T>(
        GemmProblem<T> problem, IReadOnlyList<ComputeDevice> candidates, IReadOnlyList<DeviceModel> models)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        while (true)
        {
            GemmWorkload work = Plan(problem, candidates.Count);
            if (work.Count == 0)
            {
                return (candidates, models, work);
            }

            double flops = work.Flops(0), bytes = work.BytesA(0) + work.BytesB(0) + work.BytesC(0);
            double[] rates = models.Select(m => flops / m.Seconds(work.Tiles[0], work.K, bytes)).ToArray();
            int[] keep = work.Count == 1
                ? [Array.IndexOf(rates, rates.Max())]
                : Enumerable.Range(0, candidates.Count).Where(d => work.Count * rates[d] / rates.Sum() >= 0.5).ToArray();
            if (keep.Length == candidates.Count)
            {
                return (candidates, models, work);
            }

            candidates = keep.Select(d => candidates[d]).ToArray();
            models = keep.Select(d => models[d]).ToArray();
        }
    }

    /// <summary>
    /// The devices whose models could be had, with their models. A device that fails its calibration is left out of
    /// the operation (its failure goes in the report); if every device fails, the operation fails.
    /// </summary>
    private (IReadOnlyList<ComputeDevice> Devices, IReadOnlyList<DeviceModel> Models) Calibrated<T>(IReadOnlyList<ComputeDevice> candidates, List<DeviceFailedException> failures)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var healthy = new List<ComputeDevice>();
        var models = new List<DeviceModel>();
        foreach (ComputeDevice device in candidates)
        {
            try
            {
                models.Add(calibrator.Model<T>(device));
                healthy.Add(device);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                failures.Add(new DeviceFailedException(device.Id, e));
            }
        }

        return healthy.Count > 0 ? (healthy, models) : throw new GemmFailedException(failures);
    }

    private GemmReport Report<T>(GemmProblem<T> problem, long start, GemmTilePlan<T> plan, WorkExecutor executor, IReadOnlyList<WorkRecord> records, IReadOnlyList<string> satOut)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        GemmWorkload work = plan.Work;
        IReadOnlyList<ComputeDevice> used = plan.Devices;
        TileRecord[] trace = records
            .Select(r => new TileRecord(used[r.Device].Id, work.Tiles[r.Item], r.StartSeconds, r.EndSeconds, r.Bytes, r.Failed))
            .ToArray();

        // Every engine device appears in the report, with zero tiles where it was not used (and why, if it failed).
        DeviceShare[] all = devices.Select(d =>
        {
            int index = IndexOf(used, d);
            WorkRecord[] mine = records.Where(r => r.Device == index && !r.Failed).ToArray();
            string? error = index >= 0 ? executor.Failures[index]?.InnerException?.Message
                : executor.EarlierFailures.FirstOrDefault(f => f.DeviceId == d.Id)?.InnerException?.Message;
            return new DeviceShare(
                d.Id, d.Name, d.Kind, mine.Length, mine.Sum(r => r.EndSeconds - r.StartSeconds), mine.Sum(r => work.Flops(r.Item)), mine.Sum(r => r.Bytes), error);
        }).ToArray();
        return new GemmReport(
            problem.M, problem.N, problem.K, ScalarType.Name<T>(), policy, Stopwatch.GetElapsedTime(start).TotalSeconds, all, trace) { SatOut = satOut };

        static int IndexOf(IReadOnlyList<ComputeDevice> list, ComputeDevice device)
        {
            for (int i = 0; i < list.Count; i++)
            {
                if (list[i] == device)
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
