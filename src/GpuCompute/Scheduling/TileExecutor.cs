using System.Diagnostics;
using System.Numerics;
using GpuCompute.Devices;
using GpuCompute.Gemm;

namespace GpuCompute.Scheduling;

/// <summary>
/// Runs assigned tiles: one worker per device with work (the calling thread drives the first), each computing its
/// queue in order. The first device failure stops the others before their next tile and is rethrown.
/// </summary>
internal static class TileExecutor
{
    public static (DeviceShare[] Shares, TileRecord[] Trace) Run<T>(
        GemmProblem<T> problem, IReadOnlyList<GemmTile> tiles, IReadOnlyList<ComputeDevice> devices, int[][] queues)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long start = Stopwatch.GetTimestamp();
        var records = new List<TileRecord>[devices.Count];
        var failures = new DeviceFailedException?[devices.Count];
        int failed = 0;

        void Work(int d)
        {
            records[d] = new List<TileRecord>(queues[d].Length);
            foreach (int index in queues[d])
            {
                if (Volatile.Read(ref failed) != 0)
                {
                    return;
                }

                GemmTile tile = tiles[index];
                double begin = Stopwatch.GetElapsedTime(start).TotalSeconds;
                try
                {
                    devices[d].RunGemmTile(problem, tile);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    failures[d] = new DeviceFailedException(devices[d].Id, tile, e);
                    Volatile.Write(ref failed, 1);
                    return;
                }

                records[d].Add(new TileRecord(devices[d].Id, tile, begin, Stopwatch.GetElapsedTime(start).TotalSeconds));
            }
        }

        int[] busy = Enumerable.Range(0, devices.Count).Where(d => queues[d].Length > 0).ToArray();
        var threads = busy.Skip(1).Select(d => new Thread(() => Work(d)) { IsBackground = true, Name = $"GpuCompute {devices[d].Id}" }).ToArray();
        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        if (busy.Length > 0)
        {
            Work(busy[0]);
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        if (failures.FirstOrDefault(f => f is not null) is { } failure)
        {
            throw failure;
        }

        var shares = new DeviceShare[devices.Count];
        for (int d = 0; d < devices.Count; d++)
        {
            List<TileRecord> mine = records[d] ?? [];
            shares[d] = new DeviceShare(
                devices[d].Id,
                devices[d].Name,
                devices[d].Kind,
                mine.Count,
                mine.Sum(r => r.EndSeconds - r.StartSeconds),
                mine.Sum(r => r.Tile.Flops(problem.K)));
        }

        return (shares, records.Where(r => r is not null).SelectMany(r => r).OrderBy(r => r.EndSeconds).ToArray());
    }
}
