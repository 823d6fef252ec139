namespace GpuCompute.Scheduling;

/// <summary>Progress of an operation: tiles done of the total, and seconds since it started.</summary>
/// <param name="TilesDone">Tiles whose results are in host memory.</param>
/// <param name="TilesTotal">All tiles of the operation.</param>
/// <param name="ElapsedSeconds">Seconds since the operation started.</param>
public readonly record struct GemmProgress(int TilesDone, int TilesTotal, double ElapsedSeconds);
