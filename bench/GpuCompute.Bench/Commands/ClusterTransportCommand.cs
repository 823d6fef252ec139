using System.CommandLine;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using GpuCompute.Cluster.App;
using GpuCompute.Cluster.Contracts;
using GpuCompute.Cluster.Node;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Concurrency;
using Spectre.Console;

namespace GpuCompute.Bench.Commands;

/// <summary>
/// <c>cluster-transport</c>: how fast chunks cross the cluster's transport. One node process; the app sends chunks of
/// each size to it through Orleans (the data plane's own call shape: immutable byte arrays, four in flight) and, in the
/// same run, through a raw TCP socket on loopback (a server thread in this process reading each chunk and
/// acknowledging it, four unacknowledged at most), and prints both rates and their ratio.
/// </summary>
internal static class ClusterTransportCommand
{
    private const int InFlight = 4;

    private static readonly Option<string> SizesOption = new("--sizes") { Description = "Chunk sizes in MiB, comma-separated (each 1 to 64).", DefaultValueFactory = _ => "1,4,16" };
    private static readonly Option<int> MegabytesOption = new("--mb") { Description = "MiB sent per size and transport (64 to 8192).", DefaultValueFactory = _ => 512 };
    private static readonly Option<bool> JsonOption = new("--json") { Description = "Print exactly one JSON object." };

    public static Command Create()
    {
        var command = new Command("cluster-transport", "Measure chunk throughput through Orleans beside a raw TCP loopback socket, in one run.")
        {
            SizesOption, MegabytesOption, JsonOption,
        };
        command.SetAction(parse =>
        {
            string text = parse.GetValue(SizesOption)!;
            string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
            int[] sizes = [.. parts.Select(p => int.TryParse(p, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int v) ? v : -1)];
            if (sizes.Length == 0 || sizes.Any(s => s is < 1 or > 64))
            {
                throw new UsageException($"--sizes takes chunk sizes from 1 to 64 MiB (Orleans refuses messages over 100 MB); got '{text}'.");
            }

            int total = parse.GetValue(MegabytesOption);
            if (total is < 64 or > 8192)
            {
                throw new UsageException($"--mb must be 64 to 8192; got {total}.");
            }

            return Run(sizes, total, parse.GetValue(JsonOption));
        });
        return command;
    }

    private static int Run(int[] sizesMiB, int totalMiB, bool json)
    {
        using LocalCluster cluster = LocalCluster.Start([1], ClusterCommand.NodeProcess);
        using var backend = new OrleansClusterBackend(cluster.Spec, NullLogger.Instance);
        var node = (RemoteNodeDevice)backend.Nodes[0];
        INodeGrain grain = backend.Client.GetGrain<INodeGrain>(node.Silo);
        var rows = new List<(int MiB, double Orleans, double Tcp)>();
        foreach (int mib in sizesMiB)
        {
            int bytes = mib << 20, count = Math.Max(8, totalMiB / mib);
            double orleans = OrleansRate(grain, bytes, count), tcp = TcpRate(bytes, count);
            rows.Add((mib, orleans, tcp));
        }

        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                in_flight = InFlight, mib_per_size = totalMiB,
                results = rows.Select(r => new { chunk_mib = r.MiB, orleans_gbps = r.Orleans / 1e9, tcp_gbps = r.Tcp / 1e9, ratio = r.Orleans / r.Tcp }),
            }));
            return 0;
        }

        AnsiConsole.MarkupLine($"Chunks to one node process on loopback, {InFlight} in flight, {totalMiB} MiB per size and transport");
        var table = new Table().AddColumns("chunk", "Orleans GB/s", "raw TCP GB/s", "Orleans / TCP");
        foreach (var (mib, o, t) in rows)
        {
            table.AddRow($"{mib} MiB", $"{o / 1e9:F2}", $"{t / 1e9:F2}", $"{o / t:F2}");
        }

        AnsiConsole.Write(table);
        return 0;
    }

    /// <summary>Bytes per second of <paramref name="count"/> echoes of <paramref name="bytes"/>, four in flight (after
    /// four warm-up calls).</summary>
    private static double OrleansRate(INodeGrain grain, int bytes, int count)
    {
        var payload = new Immutable<byte[]>(new byte[bytes]);
        Task.WaitAll([.. Enumerable.Range(0, InFlight).Select(_ => grain.Echo(payload))]);
        long start = Stopwatch.GetTimestamp();
        var pending = new Queue<Task<int>>();
        for (int i = 0; i < count; i++)
        {
            if (pending.Count == InFlight)
            {
                pending.Dequeue().GetAwaiter().GetResult();
            }

            pending.Enqueue(grain.Echo(payload));
        }

        while (pending.Count > 0)
        {
            pending.Dequeue().GetAwaiter().GetResult();
        }

        return (double)bytes * count / Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    /// <summary>The same over a raw loopback socket: the server reads each chunk whole and answers four bytes.</summary>
    private static double TcpRate(int bytes, int count)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var server = Task.Run(() =>
        {
            using TcpClient accepted = listener.AcceptTcpClient();
            using NetworkStream stream = accepted.GetStream();
            var buffer = new byte[bytes];
            var ack = new byte[4];
            for (int i = 0; i < count + InFlight; i++)
            {
                stream.ReadExactly(buffer);
                stream.Write(ack);
            }
        });
        using var client = new TcpClient { NoDelay = true };
        client.Connect((IPEndPoint)listener.LocalEndpoint);
        using NetworkStream stream = client.GetStream();
        var chunk = new byte[bytes];
        var answer = new byte[4];
        for (int i = 0; i < InFlight; i++)
        {
            stream.Write(chunk);
            stream.ReadExactly(answer);
        }

        long start = Stopwatch.GetTimestamp();
        int unanswered = 0;
        for (int i = 0; i < count; i++)
        {
            if (unanswered == InFlight)
            {
                stream.ReadExactly(answer);
                unanswered--;
            }

            stream.Write(chunk);
            unanswered++;
        }

        for (; unanswered > 0; unanswered--)
        {
            stream.ReadExactly(answer);
        }

        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        server.GetAwaiter().GetResult();
        return (double)bytes * count / seconds;
    }
}
