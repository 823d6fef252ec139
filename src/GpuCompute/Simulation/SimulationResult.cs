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
public sealed record SimulationResult(
    SchedulingPolicy Policy, int Tiles, bool Completed, double MakespanSeconds, double IdealSeconds, double BytesMoved,
    IReadOnlyList<SimulatedDeviceResult> Devices)
{
    /// <summary>Ideal / makespan: 1 is a perfect split.</summary>
    public double Efficiency => Completed && MakespanSeconds > 0 ? IdealSeconds / MakespanSeconds : 0;
}
