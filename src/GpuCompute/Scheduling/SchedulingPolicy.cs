namespace GpuCompute.Scheduling;

/// <summary>How the engine hands the tiles of an operation to its devices.</summary>
public enum SchedulingPolicy
{
    /// <summary>
    /// Each tile goes to the device with the earliest expected finish time given its performance model, its queue and
    /// the transfer time of the panels it does not yet hold; idle devices steal from the busiest queue at the end, and
    /// models are refined from every tile's measured time. The default.
    /// </summary>
    Adaptive,

    /// <summary>Static shares in proportion to each device's calibrated throughput, in contiguous runs of tiles
    /// (so a device reuses the panels of A it has just read).</summary>
    Weighted,

    /// <summary>Tile i goes to device i mod D, whatever the devices' speeds (cuBLASXt's policy).</summary>
    RoundRobin,

    /// <summary>Each tile goes to a device drawn uniformly at random from a seeded generator.</summary>
    Random,
}
