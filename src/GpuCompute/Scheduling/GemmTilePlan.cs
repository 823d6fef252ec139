using System.Numerics;
using GpuCompute.Backends;
using GpuCompute.Gemm;

namespace GpuCompute.Scheduling;

/// <summary>A GEMM on host matrices as work items: its tiles, each computable by any device (A, B and C stay in host
/// memory, so a failed tile re-runs elsewhere).</summary>
internal sealed class GemmTilePlan<T>(GemmProblem<T> problem, GemmWorkload work, IReadOnlyList<ComputeDevice> devices) : WorkPlan
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public override string Operation => "gemm";

    public override IReadOnlyList<ComputeDevice> Devices => devices;

    public GemmWorkload Work => work;

    public override bool Rerunnable => true;

    public override void Run(int item, int device, CancellationToken cancellation) => devices[device].RunGemmTile(problem, work.Tiles[item], cancellation);

    public override string Describe(int item)
    {
        GemmTile tile = work.Tiles[item];
        return $"tile ({tile.Row}, {tile.Col}) {tile.Rows}x{tile.Cols}";
    }

    public override double Flops(int item) => work.Flops(item);

    public override DeviceFailedException Failure(int item, ComputeDevice device, Exception error) => new(device.Id, work.Tiles[item], error);
}
