using GpuCompute.Gemm;

namespace GpuCompute.Scheduling;

/// <summary>A planned GEMM: its tiles, the queue of tiles each device starts with, and the block of C each device was
/// given (null for a device left without one).</summary>
internal sealed record GemmPartition(GemmWorkload Work, IReadOnlyList<int[]> Queues, IReadOnlyList<GemmTile?> Blocks);
