using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace GpuCompute.Cluster.Node;

/// <summary>
/// A running node: an Orleans silo on TCP (silo-to-silo on <see cref="ClusterNodeOptions.Listen"/>, apps through its
/// gateway) with the node's engine, whose devices compute what apps send. Membership is development clustering on the
/// first node (<see cref="ClusterNodeOptions.Primary"/>), or Redis.
/// </summary>
public sealed class ClusterNode : IAsyncDisposable
{
    private readonly IHost host;

    private ClusterNode(IHost host, ClusterNodeOptions options)
    {
        this.host = host;
        Options = options;
    }

    /// <summary>The options it started with.</summary>
    public ClusterNodeOptions Options { get; }

    /// <summary>What the node tells apps about itself (its engine is calibrated before the node joins).</summary>
    public Contracts.NodeInfo Info => host.Services.GetRequiredService<NodeEngine>().Info;

    /// <summary>Panels held for apps now, and their bytes.</summary>
    public (int Count, long Bytes) HeldPanels => host.Services.GetRequiredService<NodeEngine>().Held;

    /// <summary>Starts a node and returns once it has joined the cluster.</summary>
    /// <exception cref="ArgumentException">An option is invalid (named).</exception>
    public static async Task<ClusterNode> StartAsync(ClusterNodeOptions options, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        // Orleans warns about every connection a killed node resets; those are reported through the engine instead.
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning).AddFilter("Orleans", LogLevel.Error);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<NodeEngine>();
        builder.UseOrleans(silo =>
        {
            if (options.Redis is string redis)
            {
                silo.UseRedisClustering(redis);
            }
            else
            {
                silo.UseDevelopmentClustering(options.Primary ?? options.Listen);
            }

            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = options.ClusterId;
                o.ServiceId = "gpucompute";
            });
            silo.ConfigureEndpoints(options.Listen.Address, options.Listen.Port, options.GatewayPort);
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = options.ProbeTimeout;
                o.NumMissedProbesLimit = 2;
                o.NumVotesForDeathDeclaration = 1;
            });

            // A tile of a large product may compute for minutes on a slow node.
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromMinutes(10));
            silo.Services.AddPlacementDirector<NodePlacementStrategy, NodePlacementDirector>();
        });
        IHost host = builder.Build();
        _ = host.Services.GetRequiredService<NodeEngine>(); // calibrate the engine before the node is visible
        await host.StartAsync(cancellation).ConfigureAwait(false);
        return new ClusterNode(host, options);
    }

    /// <summary>
    /// What a node process does: starts the node, writes one <c>ready …</c> line to <paramref name="output"/> (what
    /// scripts and <see cref="LocalCluster"/> wait for), and serves until SIGINT or SIGTERM, then leaves the cluster.
    /// </summary>
    public static async Task ServeAsync(ClusterNodeOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        using var stop = new CancellationTokenSource();
        using var interrupt = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        ClusterNode node = await StartAsync(options, stop.Token).ConfigureAwait(false);
        await output.WriteLineAsync(
            $"ready {options.Name} silo={options.Listen} gateway={options.GatewayPort} devices={string.Join(", ", node.Info.Devices)} gflops-f64={node.Info.GflopsF64:F1}").ConfigureAwait(false);
        await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        await node.RunAsync(stop.Token).ConfigureAwait(false);
    }

    /// <summary>Runs until <paramref name="cancellation"/> fires, then leaves the cluster cleanly.</summary>
    public async Task RunAsync(CancellationToken cancellation)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellation).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Leaves the cluster (membership is told) and releases the engine.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await host.StopAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        finally
        {
            host.Dispose();
        }
    }
}
