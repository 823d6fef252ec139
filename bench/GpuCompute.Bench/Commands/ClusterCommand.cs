using System.CommandLine;
using System.Diagnostics;
using System.Numerics;
using System.Text.Json;
using GpuCompute.Bench.Inputs;
using GpuCompute.Bench.Verification;
using GpuCompute.Cluster.App;
using GpuCompute.Cluster.Node;
using GpuCompute.Matrices;
using GpuCompute.Scheduling;
using Spectre.Console;

namespace GpuCompute.Bench.Commands;

/// <summary>
/// <c>cluster</c>: starts a local cluster of node processes (this CLI's own <c>node</c> command, on loopback TCP),
/// runs a verified GEMM across them from an app engine that sees each node as a device, and prints each node's share,
/// the bytes moved and the transport rate; then the same GEMM on one node with all the threads, for the efficiency of
/// distributing (the cost of the network and of splitting).
/// </summary>
internal static class ClusterCommand
{
    private static readonly Option<int> NodesOption = new("--nodes") { Description = "Nodes to start (1 to 16).", DefaultValueFactory = _ => 3 };
    private static readonly Option<int> ThreadsOption = new("--threads-per-node") { Description = "CPU threads of each node's engine (1 to 256).", DefaultValueFactory = _ => 1 };
    private static readonly Option<int> SizeOption = new("--size") { Description = "M = N = K (1 to 16384).", DefaultValueFactory = _ => 4096 };
    private static readonly Option<string> PrecisionOption = new("--precision") { Description = "f32 or f64.", DefaultValueFactory = _ => "f64" };
    private static readonly Option<int> RepeatOption = new("--repeat") { Description = "Timed runs on each cluster after one warm-up (1 to 100).", DefaultValueFactory = _ => 3 };
    private static readonly Option<bool> NoPeersOption = new("--no-peers") { Description = "Every panel from the app: nodes do not fetch panels from each other (the spec's peers=off)." };
    private static readonly Option<bool> NoBaselineOption = new("--no-baseline") { Description = "Skip the one-node run (no efficiency figure)." };
    private static readonly Option<bool> JsonOption = new("--json") { Description = "Print exactly one JSON object." };

    public static Command Create()
    {
        var command = new Command("cluster", "Start a local cluster of node processes, run a verified GEMM across them, and compare with one node holding every thread.")
        {
            NodesOption, ThreadsOption, SizeOption, PrecisionOption, RepeatOption, NoPeersOption, NoBaselineOption, JsonOption,
        };
        command.SetAction(parse =>
        {
            int nodes = parse.GetValue(NodesOption), threads = parse.GetValue(ThreadsOption), size = parse.GetValue(SizeOption);
            if (nodes is < 1 or > 16)
            {
                throw new UsageException($"--nodes must be 1 to 16; got {nodes}.");
            }

            if (threads is < 1 or > 256)
            {
                throw new UsageException($"--threads-per-node must be 1 to 256; got {threads}.");
            }

            if (size is < 1 or > 16384)
            {
                throw new UsageException($"--size must be 1 to 16384; got {size}.");
            }

            int repeat = Shape.Repeat(parse.GetValue(RepeatOption));
            var settings = new Settings(nodes, threads, size, repeat, !parse.GetValue(NoPeersOption), !parse.GetValue(NoBaselineOption), parse.GetValue(JsonOption));
            return Shape.Precision(parse.GetValue(PrecisionOption)!) == "f32" ? Run<float>(settings) : Run<double>(settings);
        });
        return command;
    }

    /// <summary>Runs this CLI's <c>node</c> command as a process: the same executable, whether run by <c>dotnet</c> or
    /// as an installed tool.</summary>
    internal static ProcessStartInfo NodeProcess(IReadOnlyList<string> args)
    {
        string self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self);
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(ClusterCommand).Assembly.Location);
        }

        start.ArgumentList.Add("node");
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }

    private sealed record Settings(int Nodes, int Threads, int Size, int Repeat, bool Peers, bool Baseline, bool Json);

    private sealed record Outcome(double Seconds, GemmReport Report, IReadOnlyDictionary<string, long> Bytes, IReadOnlyDictionary<string, long> PeerBytes, GemmCheck Check);

    private static int Run<T>(Settings s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = s.Size;
        HostMatrix<T> a = RandomMatrices.Create<T>(n, n, 1), b = RandomMatrices.Create<T>(n, n, 2);
        Outcome spread = OnCluster<T>([.. Enumerable.Repeat(s.Threads, s.Nodes)], a, b, s.Repeat, s.Peers);
        Outcome? one = s.Baseline ? OnCluster<T>([s.Nodes * s.Threads], a, b, s.Repeat, s.Peers) : null;
        double flops = 2.0 * n * n * n;
        double moved = spread.Bytes.Values.Sum(), fromPeers = spread.PeerBytes.Values.Sum();
        string precision = typeof(T) == typeof(float) ? "f32" : "f64";
        bool verified = spread.Check.Verified && (one?.Check.Verified ?? true);
        if (s.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                nodes = s.Nodes, threads_per_node = s.Threads, size = n, precision, repeat = s.Repeat,
                seconds = spread.Seconds, gflops = flops / spread.Seconds / 1e9, bytes_moved = moved, transport_gbps = moved / spread.Seconds / 1e9,
                peers = s.Peers, peer_bytes = fromPeers,
                one_node_seconds = one?.Seconds, efficiency = one is null ? (double?)null : one.Seconds / spread.Seconds,
                verified, relative_error = spread.Check.RelativeError, tolerance = spread.Check.Tolerance, sat_out = spread.Report.SatOut,
                shares = spread.Report.Devices.Select(d => new
                {
                    node = d.DeviceId, tiles = d.Tiles, share = d.Flops / flops, busy_seconds = d.BusySeconds,
                    bytes = spread.Bytes.GetValueOrDefault(d.DeviceId), peer_bytes = spread.PeerBytes.GetValueOrDefault(d.DeviceId), error = d.Error,
                }),
            }));
        }
        else
        {
            AnsiConsole.MarkupLine($"GEMM {n}³ {precision} across {s.Nodes} local node processes × {s.Threads} thread(s), Orleans over loopback TCP; median of {s.Repeat}");
            var table = new Table().AddColumns("node", "tiles", "share", "busy s", "MB moved", "MB from peers");
            foreach (DeviceShare d in spread.Report.Devices)
            {
                table.AddRow(
                    Markup.Escape(d.DeviceId), $"{d.Tiles}", $"{d.Flops / flops:P1}", $"{d.BusySeconds:F3}",
                    $"{spread.Bytes.GetValueOrDefault(d.DeviceId) / 1e6:F1}{(d.Error is null ? "" : " (failed)")}", $"{spread.PeerBytes.GetValueOrDefault(d.DeviceId) / 1e6:F1}");
            }

            AnsiConsole.Write(table);
            foreach (string why in spread.Report.SatOut)
            {
                AnsiConsole.MarkupLine(Markup.Escape(why));
            }

            AnsiConsole.MarkupLine($"{spread.Seconds:F3} s, {flops / spread.Seconds / 1e9:F1} GFLOP/s; {moved / 1e9:F2} GB moved through the app, {moved / spread.Seconds / 1e9:F2} GB/s through Orleans; {fromPeers / 1e9:F2} GB between nodes{(s.Peers ? "" : " (peers off)")}");
            if (one is not null)
            {
                AnsiConsole.MarkupLine($"one node × {s.Nodes * s.Threads} threads: {one.Seconds:F3} s, {flops / one.Seconds / 1e9:F1} GFLOP/s; efficiency {one.Seconds / spread.Seconds:F3}");
            }

            AnsiConsole.MarkupLine($"check: {spread.Check.Method} relative error {spread.Check.RelativeError:E2} (tolerance {spread.Check.Tolerance:E2}) {(verified ? "verified" : "[red]FAILED[/]")}");
        }

        return verified ? 0 : 1;
    }

    /// <summary>Starts nodes with these threads, runs one warm-up and <paramref name="repeat"/> timed GEMMs from an app
    /// engine joined to them, checks the last, and stops the nodes.</summary>
    private static Outcome OnCluster<T>(int[] threads, HostMatrix<T> a, HostMatrix<T> b, int repeat, bool peers)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        using LocalCluster cluster = LocalCluster.Start(threads, NodeProcess);
        using var engine = new ComputeEngine(new ComputeEngineOptions { Cluster = cluster.Spec + (peers ? "" : ";peers=off"), Devices = "node", PersistModels = false });
        var nodes = engine.Devices.OfType<RemoteNodeDevice>().ToArray();
        var c = new HostMatrix<T>(a.Rows, b.Cols);
        engine.Gemm(T.One, a, Transpose.None, b, Transpose.None, T.Zero, c); // warm-up: JIT on both sides, models refined
        var seconds = new List<double>();
        GemmReport? report = null;
        Dictionary<string, long> bytes = [], peerBytes = [];
        for (int run = 0; run < repeat; run++)
        {
            long[] before = [.. nodes.Select(d => d.BytesMoved)], beforePeers = [.. nodes.Select(d => d.BytesFromPeers)];
            long start = Stopwatch.GetTimestamp();
            report = engine.Gemm(T.One, a, Transpose.None, b, Transpose.None, T.Zero, c);
            seconds.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
            bytes = nodes.Select((d, i) => (d.Id, d.BytesMoved - before[i])).ToDictionary(p => p.Id, p => p.Item2);
            peerBytes = nodes.Select((d, i) => (d.Id, d.BytesFromPeers - beforePeers[i])).ToDictionary(p => p.Id, p => p.Item2);
        }

        seconds.Sort();
        return new Outcome(seconds[seconds.Count / 2], report!, bytes, peerBytes, GemmCheck.Run(a, b, c, 7));
    }
}
