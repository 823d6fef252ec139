namespace GpuCompute.Cluster.App;

/// <summary>
/// Follows the cluster's membership from the app: asks the management grain for the active silos every
/// <see cref="Interval"/> and completes a silo's <see cref="Departed"/> task once Orleans membership no longer lists it
/// (its probes declared it dead, or it left). A call in flight to a node that died never gets its response; the node's
/// device waits on this instead, so a killed node fails its tile within the membership's detection time rather than
/// after the ten-minute response timeout. Silos that become active after the watch started are noted as joined, for
/// the app to take on as nodes (<see cref="TakeJoined"/>).
/// </summary>
internal sealed class MembershipWatch : IDisposable
{
    private readonly IClusterClient client;
    private readonly Dictionary<string, TaskCompletionSource> departures = [];
    private readonly HashSet<string> joined = [];
    private readonly Lock books = new();
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;

    public MembershipWatch(IClusterClient client, IEnumerable<string> silos, TimeSpan interval)
    {
        this.client = client;
        Interval = interval;
        foreach (string silo in silos)
        {
            departures[silo] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        loop = Task.Run(WatchAsync);
    }

    public TimeSpan Interval { get; }

    /// <summary>Completes when <paramref name="silo"/> is no longer an active member.</summary>
    public Task Departed(string silo)
    {
        lock (books)
        {
            return departures[silo].Task;
        }
    }

    /// <summary>The silos that became active since the last call, now followed like the first ones.</summary>
    public IReadOnlyList<string> TakeJoined()
    {
        lock (books)
        {
            string[] taken = [.. joined.Order(StringComparer.Ordinal)];
            joined.Clear();
            foreach (string silo in taken)
            {
                departures[silo] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            return taken;
        }
    }

    public void Dispose()
    {
        stop.Cancel();
        try
        {
            loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        stop.Dispose();
    }

    private async Task WatchAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, stop.Token).ConfigureAwait(false);
                var active = await client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(Interval * 4, stop.Token).ConfigureAwait(false);
                var names = active.Keys.Select(s => s.ToParsableString()).ToHashSet(StringComparer.Ordinal);
                lock (books)
                {
                    foreach (var (silo, departed) in departures)
                    {
                        if (!names.Contains(silo))
                        {
                            departed.TrySetResult();
                        }
                    }

                    joined.UnionWith(names.Where(name => !departures.ContainsKey(name)));
                    joined.IntersectWith(names); // a silo that joined and left before anyone took it is forgotten
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Membership is in flux or the gateway changed: ask again next time.
            }
        }
    }
}
