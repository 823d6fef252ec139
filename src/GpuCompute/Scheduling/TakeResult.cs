namespace GpuCompute.Scheduling;

/// <summary>What a device gets when it asks the dispatcher for work.</summary>
internal enum TakeResult
{
    /// <summary>An item (a tile, a part) to compute.</summary>
    Item,

    /// <summary>Nothing now, but a device still computing may fail and hand its items back: ask again later.</summary>
    Wait,

    /// <summary>Nothing now or later: the device is done (or has been dropped after a failure).</summary>
    Finished,
}
