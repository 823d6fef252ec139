using GpuCompute.Backends;
using GpuCompute.Diagnostics;
using GpuCompute.Scheduling;
using Microsoft.Extensions.Logging;

namespace GpuCompute.Data;

/// <summary>
/// The engine's default split of device-resident data: in proportion to each device's measured memory bandwidth (the
/// operations on such data are mostly memory-bound), leaving out devices whose share would be under 2 %; arrays under
/// <see cref="SplitThresholdElements"/> elements stay on the fastest device. The bandwidths are measured once, at the
/// first multi-device layout, and kept, so that arrays allocated with defaults always line up.
/// </summary>
internal sealed class DefaultLayouts(ComputeEngine owner, DeviceCalibrator calibrator, ILogger logger)
{
    /// <summary>Arrays smaller than this many elements stay on one device: below it, a launch on a second device costs
    /// more than the work it would take over.</summary>
    public const long SplitThresholdElements = 1 << 16;

    private double[]? speeds;

    /// <summary>The split of <paramref name="count"/> items of <paramref name="itemSize"/> elements each.</summary>
    public DataLayout For(long count, long itemSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        IReadOnlyList<ComputeDevice> holders = [.. owner.Devices.Where(d => d.HoldsData)];
        if (holders.Count == 0)
        {
            throw new InvalidOperationException($"None of this engine's devices ({string.Join(", ", owner.Devices.Select(d => d.Id))}) holds device-resident data: add 'cpu' or a GPU.");
        }

        if (holders.Count == 1)
        {
            return DataLayout.Split(owner, count, holders, [1.0]);
        }

        double[] measured = LazyInitializer.EnsureInitialized(ref speeds, () => MeasureBandwidths(holders));
        if (count * itemSize < SplitThresholdElements)
        {
            int fastest = Array.IndexOf(measured, measured.Max());
            return DataLayout.Split(owner, count, [holders[fastest]], [1.0]);
        }

        double total = measured.Sum();
        int[] keep = Enumerable.Range(0, holders.Count).Where(d => measured[d] >= 0.02 * total).ToArray();
        return DataLayout.Split(owner, count, keep.Select(d => holders[d]).ToArray(), keep.Select(d => measured[d]).ToArray());
    }

    /// <summary>Each device's memory bandwidth, 0 for one that failed to measure (it is then left out, with a warning);
    /// if every device fails, the first failure is thrown.</summary>
    private double[] MeasureBandwidths(IReadOnlyList<ComputeDevice> holders)
    {
        var failures = new List<DeviceFailedException>();
        double[] result = holders.Select(d =>
        {
            try
            {
                return calibrator.MemoryBandwidth(d);
            }
            catch (Exception e) when (e is not (OutOfMemoryException or ObjectDisposedException))
            {
                failures.Add(new DeviceFailedException(d.Id, e));
                EngineLog.Warning(logger, $"Device {d.Id} failed while its memory bandwidth was measured and is left out of default layouts: {e.Message}");
                return 0.0;
            }
        }).ToArray();
        return result.Any(s => s > 0) ? result : throw failures[0];
    }
}
