using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using GpuCompute.Bench.Reports;
using GpuCompute.Gemm;
using GpuCompute.Scheduling;
using GpuCompute.Simulation;
using Spectre.Console;

namespace GpuCompute.Bench.Commands;

/// <summary>
/// <c>simulate</c>: runs the scheduler's own policy code against modelled devices in virtual time and prints, per
/// policy, the makespan, the ideal time, the efficiency, the bytes moved and each device's tiles and utilization.
/// </summary>
internal static class SimulateCommand
{
    private static readonly Option<string> DevicesOption = new("--devices")
    {
        Description = "Modelled devices: NAME=GFLOPS[:mem=GiB][:bw=GB/s][:lat=us][:fail=s][:overlap=0|1][:bus=NAME], comma-separated (absent bw: free transfers; overlap=1 by default; devices naming one bus share its link).",
        Required = true,
    };

    private static readonly Option<int?> SizeOption = new("--size") { Description = "M = N = K = S (default 32768)." };
    private static readonly Option<int?> MOption = new("--m") { Description = "Rows of C." };
    private static readonly Option<int?> NOption = new("--n") { Description = "Columns of C." };
    private static readonly Option<int?> KOption = new("--k") { Description = "Inner dimension." };
    private static readonly Option<string> PrecisionOption = new("--precision") { Description = "f32 or f64.", DefaultValueFactory = _ => "f32" };
    private static readonly Option<string> PolicyOption = new("--policy") { Description = "A policy name, or all.", DefaultValueFactory = _ => "all" };
    private static readonly Option<bool> JsonOption = new("--json") { Description = "Print exactly one JSON object." };
    private static readonly Option<string?> FactorizationOption = new("--factorization") { Description = "Simulate a tile factorization's task graph instead of a GEMM: cholesky (n = --size)." };
    private static readonly Option<int?> TileOption = new("--tile") { Description = "The factorization's tile order (default 1024); only with --factorization." };
    private static readonly Option<FileInfo?> PictureOption = new("--picture") { Description = "Write the adaptive policy's partition of C (which device got which block) as an SVG file; with --factorization, the first policy's trace as a Gantt chart." };

    public static Command Create()
    {
        var command = new Command("simulate", "Simulate the scheduling policies on modelled devices in virtual time.")
        {
            DevicesOption, SizeOption, MOption, NOption, KOption, PrecisionOption, PolicyOption, JsonOption, PictureOption, FactorizationOption, TileOption,
        };
        command.SetAction(Execute);
        return command;
    }

    /// <summary>The factorization mode: the engine's own task graph, dispatcher and tile books on the modelled devices
    /// (tiles cross each device's link, or its shared bus, when it lacks them), per policy, against the ideal and the
    /// critical path; <paramref name="picture"/> gets the first policy's trace as a Gantt chart.</summary>
    private static int Factorization(
        string kind, IReadOnlyList<SimulatedDevice> devices, int n, int tile, string precision, IReadOnlyList<SchedulingPolicy> policies, FileInfo? picture, bool json)
    {
        if (kind != "cholesky")
        {
            throw new UsageException($"--factorization takes cholesky; got '{kind}'.");
        }

        if (n < 1 || tile < 16 || (double)Math.Ceiling((double)n / tile) > 256)
        {
            throw new UsageException($"--size must be positive and --tile at least 16, with at most 256 tiles a side; got {n} and {tile}.");
        }

        if (devices.FirstOrDefault(d => d.FailAtSeconds is not null) is { } failing)
        {
            throw new UsageException($"fail= is simulated for GEMM only; the factorization mode does not model failures ({failing.Name}).");
        }

        var graph = precision == "f32" ? Factorizations.TiledCholesky.Shape<float>(n, tile) : Factorizations.TiledCholesky.Shape<double>(n, tile);
        var results = policies.Select(p => (Policy: p, Result: TaskGraphSimulator.Run(graph, devices, p))).ToArray();
        if (picture is not null)
        {
            var (policy, first) = results[0];
            bool lanes = first.Trace.Any(s => s.Lane > 0);
            using FileStream file = Shape.OpenForWriting(picture, "--picture");
            using var writer = new StreamWriter(file);
            writer.Write(TracePicture.Svg(
                [.. first.Trace.Select(s => new TracePicture.Bar(lanes && devices.First(d => d.Name == s.Device).BandwidthGBs is not null ? $"{s.Device} lane {s.Lane}" : s.Device, s.Task, s.TransferStart, s.Start, s.End))],
                $"Simulated tile Cholesky n={n}, tiles of {tile}, {precision}, {SchedulingPolicyNames.Name(policy)}: {first.Makespan:F3} s, {first.Efficiency:P1} of the ideal"));
        }

        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                factorization = kind, n, tile, precision, tasks = graph.Tasks.Count,
                results = results.Select(r => new
                {
                    policy = SchedulingPolicyNames.Name(r.Policy), makespan_seconds = r.Result.Makespan, ideal_seconds = r.Result.Ideal,
                    critical_path_seconds = r.Result.CriticalPath, efficiency = r.Result.Efficiency, bytes_moved = r.Result.BytesMoved,
                    devices = r.Result.Devices.Select(d => new
                    {
                        name = d.Name, tasks = d.Tasks, busy_seconds = d.BusySeconds, utilization = r.Result.Makespan > 0 ? d.BusySeconds / r.Result.Makespan : 0,
                        bytes_moved = d.BytesMoved, link_seconds = d.LinkSeconds,
                    }),
                }),
            }));
            return 0;
        }

        var sample = results[0].Result;
        AnsiConsole.MarkupLine($"[bold]Simulated tile Cholesky[/] n={n}, tiles of {tile}, {precision}: {sample.Tasks} tasks, {sample.Flops / 1e12:F1} TFLOP; ideal {sample.Ideal:F3} s, critical path on the fastest device {sample.CriticalPath:F3} s");
        var table = new Table().AddColumns("policy", "makespan s", "efficiency", "GB moved")
            .AddColumns(devices.Select(d => new TableColumn(Markup.Escape($"{d.Name}: tasks / util / GB")).RightAligned()).ToArray());
        foreach (var (policy, r) in results)
        {
            var cells = new List<string>
            {
                SchedulingPolicyNames.Name(policy), r.Makespan.ToString("F3", CultureInfo.InvariantCulture), r.Efficiency.ToString("F3", CultureInfo.InvariantCulture),
                (r.BytesMoved / 1e9).ToString("F1", CultureInfo.InvariantCulture),
            };
            cells.AddRange(r.Devices.Select(d => $"{d.Tasks} / {(r.Makespan > 0 ? d.BusySeconds / r.Makespan : 0):P0} / {d.BytesMoved / 1e9:F1}"));
            table.AddRow(cells.Select(Markup.Escape).ToArray());
        }

        AnsiConsole.Write(table);
        return 0;
    }

    private static int Execute(ParseResult parse)
    {
        IReadOnlyList<SimulatedDevice> devices = SimulatedDevice.ParseList(parse.GetValue(DevicesOption)!);
        int? tile = parse.GetValue(TileOption);
        string policyName = parse.GetValue(PolicyOption)!;
        SchedulingPolicy[] policies = policyName.Equals("all", StringComparison.OrdinalIgnoreCase)
            ? [.. SchedulingPolicyNames.Names.Select(SchedulingPolicyNames.Parse)]
            : [SchedulingPolicyNames.Parse(policyName)];
        if (parse.GetValue(FactorizationOption) is string factorization)
        {
            if (parse.GetValue(MOption) is not null || parse.GetValue(NOption) is not null || parse.GetValue(KOption) is not null)
            {
                throw new UsageException("--m, --n and --k shape a GEMM; a factorization's order is --size.");
            }

            return Factorization(
                factorization, devices, parse.GetValue(SizeOption) ?? 32768, tile ?? 1024, Shape.Precision(parse.GetValue(PrecisionOption)!), policies,
                parse.GetValue(PictureOption), parse.GetValue(JsonOption));
        }

        if (tile is not null)
        {
            throw new UsageException("--tile is the factorization's tile order: it goes with --factorization.");
        }

        (int m, int n, int k) = Shape.From(parse.GetValue(SizeOption), parse.GetValue(MOption), parse.GetValue(NOption), parse.GetValue(KOption), 32768);
        string precision = Shape.Precision(parse.GetValue(PrecisionOption)!);

        // The simulator plans real tiles (edges 256 to 4096): bound their count so a huge size fails instead of hanging.
        const double MaxTiles = 1e6;
        if (Math.Ceiling(m / 4096.0) * Math.Ceiling(n / 4096.0) > MaxTiles)
        {
            throw new UsageException($"A {m} x {n} C has more than {MaxTiles:0} tiles of 4096²: too large to simulate.");
        }

        SimulationResult[] results = policies
            .Select(p => precision == "f32" ? GemmSimulator.Run<float>(devices, m, n, k, p) : GemmSimulator.Run<double>(devices, m, n, k, p))
            .ToArray();
        IReadOnlyList<GemmTile?> blocks = precision == "f32" ? GemmSimulator.AdaptiveBlocks<float>(devices, m, n, k) : GemmSimulator.AdaptiveBlocks<double>(devices, m, n, k);
        if (parse.GetValue(PictureOption) is FileInfo picture)
        {
            using FileStream file = Shape.OpenForWriting(picture, "--picture");
            using var writer = new StreamWriter(file);
            writer.Write(PartitionPicture.Svg(m, n, devices.Select(d => d.Name).ToArray(), blocks, $"Adaptive partition of C, {m} x {n} x {k} {precision}"));
        }

        if (parse.GetValue(JsonOption))
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                m,
                n,
                k,
                precision,
                adaptive_blocks = devices.Select((d, i) => new
                {
                    name = d.Name,
                    block = blocks[i] is GemmTile b ? new { row = b.Row, col = b.Col, rows = b.Rows, cols = b.Cols } : null,
                }).ToArray(),
                results = results.Select(r => new
                {
                    policy = SchedulingPolicyNames.Name(r.Policy),
                    tiles = r.Tiles,
                    completed = r.Completed,
                    makespan_seconds = r.MakespanSeconds,
                    ideal_seconds = r.IdealSeconds,
                    efficiency = r.Efficiency,
                    lower_bound_seconds = r.LowerBoundSeconds,
                    bound_efficiency = r.BoundEfficiency,
                    bytes_moved = r.BytesMoved,
                    devices = r.Devices.Select(d => new { name = d.Name, tiles = d.Tiles, utilization = d.Utilization, bytes_moved = d.BytesMoved, failed = d.Failed }).ToArray(),
                }).ToArray(),
            }));
            return 0;
        }

        AnsiConsole.MarkupLine($"[bold]Simulated GEMM[/] m={m} n={n} k={k} {precision} on {Markup.Escape(string.Join(", ", devices.Select(d => d.Name)))}, {results[0].Tiles} tiles");
        var table = new Table().AddColumns("policy", "makespan s", "ideal s", "efficiency", "bound s", "of bound", "GB moved")
            .AddColumns(devices.Select(d => new TableColumn(Markup.Escape($"{d.Name}: tiles / util")).RightAligned()).ToArray());
        foreach (SimulationResult r in results)
        {
            var cells = new List<string>
            {
                SchedulingPolicyNames.Name(r.Policy),
                r.Completed ? r.MakespanSeconds.ToString("F3", CultureInfo.InvariantCulture) : "failed",
                r.IdealSeconds.ToString("F3", CultureInfo.InvariantCulture),
                r.Efficiency.ToString("F3", CultureInfo.InvariantCulture),
                r.LowerBoundSeconds.ToString("F3", CultureInfo.InvariantCulture),
                r.BoundEfficiency.ToString("F3", CultureInfo.InvariantCulture),
                (r.BytesMoved / 1e9).ToString("F1", CultureInfo.InvariantCulture),
            };
            cells.AddRange(r.Devices.Select(d => $"{d.Tiles} / {d.Utilization:P0}{(d.Failed ? " (failed)" : string.Empty)}"));
            table.AddRow(cells.Select(Markup.Escape).ToArray());
        }

        AnsiConsole.Write(table);
        return 0;
    }
}
