using GpuCompute.Scheduling;

namespace GpuCompute.Simulation;

/// <summary>The outcome of one simulated GEMM under one policy.</summary>
/// <param name="Policy">The policy simulated.</param>
/// <param name="Tiles">Tiles in the operation.</param>
/// <param name="Completed">False when every device failed before the end.</param>
/// <param name="MakespanSeconds">Virtual time until the last tile finished.</param>
/// <param name="IdealSeconds">Total flops / the sum of the devices' rates: the makespan of a perfect split with free transfers.</param>
/// <param name="BytesMoved">Bytes moved between host and devices.</param>
/// <param name="Devices">Each device's share.</param>
/// <param name="LowerBoundSeconds">A lower bound that counts communication too: each device's block of C needs its flops
/// and at least the panels of a square block and its C over the device's own link, overlapped (see the README).</param>
public sealed record SimulationResult(
    SchedulingPolicy Policy, int Tiles, bool Completed, double MakespanSeconds, double IdealSeconds, double BytesMoved,
    IReadOnlyList<SimulatedDeviceResult> Devices, double LowerBoundSeconds = 0)
{
    /// <summary>Ideal / makespan: 1 is a perfect split.</summary>
    public double Efficiency => Completed && MakespanSeconds > 0 ? IdealSeconds / MakespanSeconds : 0;

    /// <summary>The communication-aware lower bound / makespan: how close the schedule came to what the links allow.</summary>
    public double BoundEfficiency => Completed && MakespanSeconds > 0 ? LowerBoundSeconds / MakespanSeconds : 0;
}
