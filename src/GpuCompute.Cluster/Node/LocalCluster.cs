using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace GpuCompute.Cluster.Node;

/// <summary>
/// A cluster of node processes on this machine, on loopback TCP: each a real node (an Orleans silo over sockets with its
/// own engine; see <see cref="ClusterNode"/>), the first holding development-clustering membership. Ports are taken
/// free from the OS; every process is killed when the cluster is disposed. What the bench's <c>cluster</c> command and
/// the cluster tests start.
/// </summary>
public sealed class LocalCluster : IDisposable
{
    private readonly List<(string Name, Process Process, int Gateway)> nodes = [];
    private readonly int primaryPort;
    private readonly Func<IReadOnlyList<string>, ProcessStartInfo> launch;
    private readonly string? redis;

    private LocalCluster(string id, int primaryPort, Func<IReadOnlyList<string>, ProcessStartInfo> launch, string? redis)
    {
        ClusterId = id;
        this.primaryPort = primaryPort;
        this.launch = launch;
        this.redis = redis;
    }

    /// <summary>The cluster's id (unique per start, so two local clusters never meet).</summary>
    public string ClusterId { get; }

    /// <summary>The spec an app joins with: every live node's gateway.</summary>
    public string Spec => redis is null
        ? $"{string.Join(",", nodes.Where(n => !n.Process.HasExited).Select(n => $"127.0.0.1:{n.Gateway}"))};cluster={ClusterId};timeout=60"
        : $"redis={redis};cluster={ClusterId};timeout=60";

    /// <summary>The nodes' names, in the order they started (n1 first: it holds membership).</summary>
    public IReadOnlyList<string> Names => [.. nodes.Select(n => n.Name)];

    /// <summary>Starts <paramref name="threads"/>.Length nodes (n1, n2, …) with those CPU thread counts, each by
    /// <paramref name="launch"/> (which turns a node's arguments, see <see cref="NodeArguments"/>, into a process);
    /// with <paramref name="redis"/> (HOST:PORT) membership lives there instead of on n1, so any node may die.</summary>
    public static LocalCluster Start(IReadOnlyList<int> threads, Func<IReadOnlyList<string>, ProcessStartInfo> launch, string? redis = null)
    {
        ArgumentNullException.ThrowIfNull(threads);
        ArgumentNullException.ThrowIfNull(launch);
        var cluster = new LocalCluster($"local-{Guid.NewGuid():N}"[..16], FreePort(), launch, redis);
        try
        {
            foreach (int t in threads)
            {
                cluster.Add(t);
            }

            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>Starts one more node and waits until it has joined; returns its name.</summary>
    public string Add(int threads, params string[] extra) => Launch($"n{nodes.Count + 1}", threads, extra);

    /// <summary>Starts node <paramref name="name"/> again after it was killed (new ports, the same name), as a restart
    /// after a crash would, and waits until it has joined.</summary>
    public void Restart(string name, int threads)
    {
        int index = nodes.FindIndex(n => n.Name == name);
        if (index < 0 || !nodes[index].Process.HasExited)
        {
            throw new InvalidOperationException($"Node {name} {(index < 0 ? "is not part of this cluster" : "is still running")}: only a killed node restarts.");
        }

        if (index == 0 && redis is null)
        {
            throw new InvalidOperationException($"Node {name} held development-clustering membership, which died with it: a cluster without Redis cannot restart it.");
        }

        nodes.RemoveAt(index);
        Launch(name, threads, []);
    }

    private string Launch(string name, int threads, string[] extra)
    {
        int silo = nodes.Count == 0 ? primaryPort : FreePort(), gateway = FreePort();
        List<string> args =
        [
            "--name", name, "--listen", $"127.0.0.1:{silo}", "--gateway", $"{gateway}", "--threads", $"{threads}", "--cluster-id", ClusterId,
            "--probe-timeout-seconds", "1", "--no-model-cache", "--panel-memory-mb", "1024", .. extra,
        ];
        if (redis is not null)
        {
            args.AddRange(["--redis", redis]);
        }
        else if (nodes.Count > 0)
        {
            args.AddRange(["--primary", $"127.0.0.1:{primaryPort}"]);
        }

        ProcessStartInfo start = launch(args);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var process = Process.Start(start)!;
        nodes.Add((name, process, gateway));
        // The node's output until it is ready, for the error if it never is. Standard output and standard error
        // arrive on two threads, so the text is shared under a lock; after "ready" nothing more is kept (a node runs
        // for as long as the cluster does), and when the node exits later its end of output is ignored.
        var ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Text.StringBuilder();
        string Output()
        {
            lock (output)
            {
                return output.ToString();
            }
        }

        void Keep(string? line)
        {
            lock (output)
            {
                if (!ready.Task.IsCompleted && line is not null)
                {
                    output.AppendLine(line);
                }
            }
        }

        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                if (!ready.Task.IsCompleted)
                {
                    ready.TrySetException(new InvalidOperationException($"Node {name} exited before it was ready: {Output()}"));
                }

                return;
            }

            Keep(e.Data);
            if (e.Data.StartsWith("ready ", StringComparison.Ordinal))
            {
                ready.TrySetResult(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!ready.Task.Wait(TimeSpan.FromSeconds(90)))
        {
            throw new TimeoutException($"Node {name} did not become ready in 90 s: {Output()}");
        }

        return name;
    }

    /// <summary>Launches the node executable <paramref name="dll"/> (<c>GpuCompute.Node.dll</c>) with <c>dotnet</c>.</summary>
    public static Func<IReadOnlyList<string>, ProcessStartInfo> Dotnet(string dll) => args =>
    {
        var start = new ProcessStartInfo("dotnet");
        start.ArgumentList.Add(dll);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    };

    /// <summary>Kills node <paramref name="name"/> at once (no goodbye to the cluster), as a crash would.</summary>
    public void Kill(string name)
    {
        Process process = nodes.Single(n => n.Name == name).Process;
        process.Kill(entireProcessTree: true);
        process.WaitForExit(10_000);
    }

    /// <summary>Kills every node still running.</summary>
    public void Dispose()
    {
        foreach (var (_, process, _) in nodes)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(10_000);
                }
            }
            catch (InvalidOperationException)
            {
            }

            process.Dispose();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
