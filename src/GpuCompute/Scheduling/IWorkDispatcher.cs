namespace GpuCompute.Scheduling;

/// <summary>
/// Hands an operation's work items to devices as they ask, and learns what became of them: the one protocol the
/// <see cref="WorkExecutor"/> drives, whether items may go to any device (<see cref="TileDispatcher"/>: GEMM tiles by
/// policy, re-run elsewhere when a device fails) or are pinned to the device that holds their data
/// (<see cref="PinnedDispatcher"/>). Not thread-safe: the executor serialises calls.
/// </summary>
internal interface IWorkDispatcher
{
    /// <summary>Items finished.</summary>
    int Completed { get; }

    /// <summary>True once every item has finished.</summary>
    bool IsComplete { get; }

    /// <summary>True when every device has failed.</summary>
    bool AllFailed { get; }

    /// <summary>True when a device may have to wait for another (it could inherit a failing device's items): the
    /// executor then gives every device a thread of its own, so none waits for a loop that has not started.</summary>
    bool DevicesWaitForEachOther { get; }

    /// <summary>Asks for the next item for <paramref name="device"/>; on <see cref="TakeResult.Item"/> it is in flight there.</summary>
    TakeResult TryTake(int device, out int item);

    /// <summary>Bytes the device is expected to move for its item in flight.</summary>
    double InFlightBytes(int device);

    /// <summary>Records that <paramref name="device"/> finished <paramref name="item"/> in <paramref name="seconds"/>.</summary>
    void Complete(int device, int item, double seconds);

    /// <summary>Drops <paramref name="device"/> after it failed on <paramref name="item"/>.</summary>
    void Fail(int device, int item);
}
