namespace GpuCompute.Simulation;

/// <summary>What one modelled device did in a simulated run.</summary>
/// <param name="Name">The device's name.</param>
/// <param name="Tiles">Tiles it completed.</param>
/// <param name="BusySeconds">Virtual seconds it spent on tiles (transfers included).</param>
/// <param name="Utilization">Busy seconds / makespan.</param>
/// <param name="BytesMoved">Bytes it received and sent.</param>
/// <param name="Failed">True when it failed during the run.</param>
public sealed record SimulatedDeviceResult(string Name, int Tiles, double BusySeconds, double Utilization, double BytesMoved, bool Failed);
