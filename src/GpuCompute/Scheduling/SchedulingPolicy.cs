namespace GpuCompute.Scheduling;

/// <summary>How the engine hands the tiles of an operation to its devices.</summary>
public enum SchedulingPolicy
{
    /// <summary>Static shares in proportion to each device's calibrated throughput, in contiguous runs of tiles
    /// (so a device reuses the panels of A it has just read). The default.</summary>
    Weighted,

    /// <summary>Tile i goes to device i mod D, whatever the devices' speeds (cuBLASXt's policy).</summary>
    RoundRobin,

    /// <summary>Each tile goes to a device drawn uniformly at random from a seeded generator.</summary>
    Random,
}
