using GpuCompute.Backends;
using GpuCompute.Cluster.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace GpuCompute.Cluster.App;

/// <summary>
/// An app's membership in a cluster: an Orleans client connected to the nodes' gateways over TCP, and one
/// <see cref="RemoteNodeDevice"/> per node: those in the cluster when the engine joined, then each node that joins
/// later (the membership watch notes it; the engine takes it on at its next operation). Loaded by the engine when
/// <see cref="ComputeEngineOptions.Cluster"/> is set.
/// </summary>
internal sealed class OrleansClusterBackend : IClusterBackend
{
    /// <summary>How long a node that joined has to describe itself before it is left out (until it joins again).</summary>
    private static readonly TimeSpan DescribeTimeout = TimeSpan.FromSeconds(10);

    private readonly IHost host;
    private readonly MembershipWatch? watch;
    private readonly ILogger logger;
    private readonly Guid app = Guid.NewGuid();
    private readonly PanelHolders? peers;

    public OrleansClusterBackend(string spec, ILogger logger)
    {
        this.logger = logger;
        ClusterSpec parsed = ClusterSpec.Parse(spec);
        peers = parsed.Peers ? new PanelHolders() : null;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        // Orleans warns about every connection a killed node resets; those are reported through the engine instead.
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning).AddFilter("Orleans", LogLevel.Error);
        builder.UseOrleansClient(client =>
        {
            if (parsed.Redis is string redis)
            {
                client.UseRedisClustering(redis);
            }
            else
            {
                client.UseStaticClustering([.. parsed.Gateways]);
            }

            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = parsed.ClusterId;
                o.ServiceId = "gpucompute";
            });
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromMinutes(10));
        });
        host = builder.Build();
        using var joining = new CancellationTokenSource(parsed.JoinTimeout);
        try
        {
            // Off the caller's synchronization context: the engine's constructor is synchronous.
            Task.Run(() => host.StartAsync(joining.Token).WaitAsync(parsed.JoinTimeout)).GetAwaiter().GetResult();
            Client = host.Services.GetRequiredService<IClusterClient>();
            IClusterClient client = Client;
            Nodes = Task.Run(() => Discover(client, parsed, app, peers, joining.Token).WaitAsync(parsed.JoinTimeout)).GetAwaiter().GetResult();
            watch = new MembershipWatch(client, Nodes.Cast<RemoteNodeDevice>().Select(n => n.Silo), TimeSpan.FromSeconds(1));
            foreach (RemoteNodeDevice node in Nodes.Cast<RemoteNodeDevice>())
            {
                node.Departed = watch.Departed(node.Silo);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            host.Dispose();
            throw new InvalidOperationException($"Could not join the cluster '{spec}' within {parsed.JoinTimeout.TotalSeconds:F0} s: {e.Message}", e);
        }

        logger.LogInformation("Joined cluster {Spec}: {Nodes}", spec, string.Join(", ", Nodes.Select(n => n.Id)));
    }

    public IClusterClient Client { get; }

    public IReadOnlyList<ComputeDevice> Nodes { get; }

    public IReadOnlyList<ComputeDevice> TakeJoined()
    {
        IReadOnlyList<string> silos = watch?.TakeJoined() ?? [];
        var joined = new List<ComputeDevice>();
        foreach (string silo in silos)
        {
            try
            {
                INodeGrain grain = Client.GetGrain<INodeGrain>(silo);
                NodeInfo info = Task.Run(() => grain.Describe().WaitAsync(DescribeTimeout)).GetAwaiter().GetResult();
                joined.Add(new RemoteNodeDevice(info, grain, silo, app) { Departed = watch!.Departed(silo), Peers = peers });
                logger.LogInformation("Node {Node} joined the cluster (silo {Silo}): used from this operation on", info.Name, silo);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                logger.LogWarning("A node joined the cluster (silo {Silo}) but did not describe itself within {Seconds} s, so it is not used: {Error}", silo, DescribeTimeout.TotalSeconds, e.Message);
            }
        }

        return joined;
    }

    public bool HasLeft(ComputeDevice node) => node is RemoteNodeDevice remote && remote.Departed.IsCompleted;

    public void Dispose()
    {
        watch?.Dispose();
        try
        {
            host.StopAsync(TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Leaving a cluster whose gateways are gone: nothing left to tell them.
        }
        finally
        {
            host.Dispose();
        }
    }

    /// <summary>Every active silo's node, by asking the cluster's management grain and then each node.</summary>
    private static async Task<IReadOnlyList<ComputeDevice>> Discover(IClusterClient client, ClusterSpec spec, Guid app, PanelHolders? peers, CancellationToken cancellation)
    {
        Dictionary<SiloAddress, SiloStatus> hosts = await client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(cancellation).ConfigureAwait(false);
        var nodes = new List<ComputeDevice>();
        foreach (SiloAddress silo in hosts.Keys.OrderBy(s => s.ToParsableString(), StringComparer.Ordinal))
        {
            INodeGrain grain = client.GetGrain<INodeGrain>(silo.ToParsableString());
            NodeInfo info = await grain.Describe().WaitAsync(cancellation).ConfigureAwait(false);
            nodes.Add(new RemoteNodeDevice(info, grain, silo.ToParsableString(), app) { Peers = peers });
        }

        string? twice = nodes.GroupBy(n => n.Id).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (twice is not null)
        {
            throw new InvalidOperationException($"Two nodes of cluster '{spec.ClusterId}' are named {twice}: give each node its own --name.");
        }

        return nodes.Count > 0 ? nodes : throw new InvalidOperationException($"Cluster '{spec.ClusterId}' has no active node.");
    }
}
