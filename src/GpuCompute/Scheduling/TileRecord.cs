using GpuCompute.Gemm;

namespace GpuCompute.Scheduling;

/// <summary>One tile's run: which device computed it and when, in seconds from the start of the operation.</summary>
/// <param name="DeviceId">The device's <see cref="Backends.ComputeDevice.Id"/>.</param>
/// <param name="Tile">The block of C.</param>
/// <param name="StartSeconds">When the device started the tile.</param>
/// <param name="EndSeconds">When the tile's result was in host memory (or when the device failed on it).</param>
/// <param name="Bytes">Bytes the scheduler expected to move between host and device for the tile.</param>
/// <param name="Failed">True when the device failed on this tile (it was then computed elsewhere).</param>
public readonly record struct TileRecord(string DeviceId, GemmTile Tile, double StartSeconds, double EndSeconds, double Bytes, bool Failed);
