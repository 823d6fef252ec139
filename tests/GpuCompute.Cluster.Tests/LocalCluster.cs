using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace GpuCompute.Cluster.Tests;

/// <summary>
/// Node processes on loopback TCP, each a real <c>GpuCompute.Node</c> (an Orleans silo over sockets, its own engine),
/// the first holding development-clustering membership. Ports are taken free from the OS; every process is killed
/// when the cluster is disposed.
/// </summary>
public sealed class LocalCluster : IDisposable
{
    private readonly List<(string Name, Process Process, int Gateway)> nodes = [];
    private readonly int primaryPort;

    private LocalCluster(string id, int primaryPort)
    {
        ClusterId = id;
        this.primaryPort = primaryPort;
    }

    public string ClusterId { get; }

    /// <summary>The spec an app joins with: every live node's gateway.</summary>
    public string Spec => $"{string.Join(",", nodes.Where(n => !n.Process.HasExited).Select(n => $"127.0.0.1:{n.Gateway}"))};cluster={ClusterId};timeout=60";

    public IReadOnlyList<string> Names => [.. nodes.Select(n => n.Name)];

    /// <summary>Starts <paramref name="threads"/>.Length nodes (n1, n2, …) with those CPU thread counts.</summary>
    public static LocalCluster Start(params int[] threads)
    {
        var cluster = new LocalCluster($"test-{Guid.NewGuid():N}"[..16], FreePort());
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

    /// <summary>Starts one more node and waits until it has joined.</summary>
    public string Add(int threads, string? extra = null)
    {
        string name = $"n{nodes.Count + 1}";
        int silo = nodes.Count == 0 ? primaryPort : FreePort(), gateway = FreePort();
        string dll = Path.Combine(AppContext.BaseDirectory, "GpuCompute.Node.dll");
        string args = $"\"{dll}\" --name {name} --listen 127.0.0.1:{silo} --gateway {gateway} --threads {threads} --cluster-id {ClusterId} " +
            $"--probe-timeout-seconds 1 --no-model-cache --panel-memory-mb 512{(nodes.Count == 0 ? "" : $" --primary 127.0.0.1:{primaryPort}")} {extra}";
        var start = new ProcessStartInfo("dotnet", args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var process = Process.Start(start)!;
        nodes.Add((name, process, gateway));
        var ready = new TaskCompletionSource<string>();
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                ready.TrySetException(new InvalidOperationException($"Node {name} exited before it was ready: {output}"));
                return;
            }

            output.AppendLine(e.Data);
            if (e.Data.StartsWith("ready ", StringComparison.Ordinal))
            {
                ready.TrySetResult(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) => output.AppendLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!ready.Task.Wait(TimeSpan.FromSeconds(90)))
        {
            throw new TimeoutException($"Node {name} did not become ready in 90 s: {output}");
        }

        return name;
    }

    /// <summary>Kills node <paramref name="name"/> at once (no goodbye to the cluster), as a crash would.</summary>
    public void Kill(string name)
    {
        Process process = nodes.Single(n => n.Name == name).Process;
        process.Kill(entireProcessTree: true);
        process.WaitForExit(10_000);
    }

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
