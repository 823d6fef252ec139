namespace GpuCompute.Scheduling;

/// <summary>How the engine hands the tiles of an operation to its devices.</summary>
public enum SchedulingPolicy
{
    /// <summary>
    /// Each device gets one block of C sized from its performance model and its link so that all finish together (a
    /// communication-aware column partition), cut into tiles it streams in an order that reuses its panels; idle
    /// devices steal from the busiest queue at the end when they would finish a tile sooner, counting the panels they
    /// lack, and models are refined from every tile's measured time. The default.
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
