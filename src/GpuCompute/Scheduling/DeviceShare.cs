using GpuCompute.Backends;

namespace GpuCompute.Scheduling;

/// <summary>What one device did in an operation.</summary>
/// <param name="DeviceId">The device's stable id.</param>
/// <param name="Name">The device's name.</param>
/// <param name="Kind">The device's kind.</param>
/// <param name="Tiles">Tiles it computed.</param>
/// <param name="BusySeconds">Wall-clock seconds it spent computing its tiles (staging and copies included).</param>
/// <param name="Flops">Floating-point operations it performed.</param>
/// <param name="BytesMoved">Bytes the scheduler expected it to move between host and device.</param>
/// <param name="Error">Why the device was dropped from the operation, or null if it did not fail.</param>
public sealed record DeviceShare(string DeviceId, string Name, DeviceKind Kind, int Tiles, double BusySeconds, double Flops, double BytesMoved, string? Error);
