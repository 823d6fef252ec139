namespace GpuCompute.Scheduling;

/// <summary>
/// Work items that can only run on one device each (a device's part of device-resident data): each device takes its
/// own items in order and never waits for another. A device that fails stops; its items are not re-run anywhere, so
/// the operation ends incomplete and the executor names the data they held.
/// </summary>
internal sealed class PinnedDispatcher : IWorkDispatcher
{
    private readonly Queue<int>[] queues;
    private readonly bool[] alive;
    private readonly int count;
    private int completed;

    /// <param name="deviceOfItem">The device (index) each item must run on.</param>
    /// <param name="devices">The number of devices.</param>
    public PinnedDispatcher(IReadOnlyList<int> deviceOfItem, int devices)
    {
        queues = Enumerable.Range(0, devices).Select(_ => new Queue<int>()).ToArray();
        for (int item = 0; item < deviceOfItem.Count; item++)
        {
            queues[deviceOfItem[item]].Enqueue(item);
        }

        alive = Enumerable.Repeat(true, devices).ToArray();
        count = deviceOfItem.Count;
    }

    public int Completed => completed;

    public bool IsComplete => completed == count;

    public bool AllFailed => !alive.Contains(true);

    public bool DevicesWaitForEachOther => false;

    public TakeResult TryTake(int device, out int item) =>
        alive[device] && queues[device].TryDequeue(out item) ? TakeResult.Item : Finished(out item);

    public double InFlightBytes(int device) => 0;

    public void Complete(int device, int item, double seconds) => completed++;

    public void Fail(int device, int item) => alive[device] = false;

    private static TakeResult Finished(out int item)
    {
        item = -1;
        return TakeResult.Finished;
    }
}
