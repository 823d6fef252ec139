using System.CommandLine;
using System.Numerics;
using System.Text.Json;
using GpuCompute.Bench.Verification;
using GpuCompute.Matrices;
using GpuCompute.Scheduling;
using Spectre.Console;

namespace GpuCompute.Bench.Commands;

/// <summary>
/// <c>gemm</c>: C ← α·op(A)·op(B) + β·C (C = A·B by default) on seeded random inputs across the selected devices, one
/// warm-up then R timed runs (C reset before each when β ≠ 0), verified against a double-precision reference, with
/// throughput and each device's share.
/// </summary>
internal static class GemmCommand
{
    private const int Seed = 2024;

    private static readonly Option<int?> SizeOption = new("--size") { Description = "M = N = K = S (default 2048)." };
    private static readonly Option<int?> MOption = new("--m") { Description = "Rows of C." };
    private static readonly Option<int?> NOption = new("--n") { Description = "Columns of C." };
    private static readonly Option<int?> KOption = new("--k") { Description = "Inner dimension." };
    private static readonly Option<string> PrecisionOption = new("--precision") { Description = "f32 or f64.", DefaultValueFactory = _ => "f32" };
    private static readonly Option<string?> DeviceListOption = new("--devices") { Description = "Devices, e.g. cpu or cuda,cpu (default: GPUCOMPUTE_DEVICES, else every CPU and GPU device)." };
    private static readonly Option<string?> PolicyOption = new("--policy") { Description = $"Scheduling policy: {string.Join(", ", SchedulingPolicyNames.Names)}." };
    private static readonly Option<int> RepeatOption = new("--repeat") { Description = "Timed runs after one warm-up.", DefaultValueFactory = _ => 5 };
    private static readonly Option<bool> JsonOption = new("--json") { Description = "Print exactly one JSON object." };
    private static readonly Option<string?> InjectFaultOption = new("--inject-fault") { Description = "ID:N[,ID:N]: device ID throws on every tile after its first N (calibration runs count), to watch its tiles re-run elsewhere." };
    private static readonly Option<string?> BudgetOption = new("--memory-budget") { Description = "Device memory one tile may use on GPU/emulator devices, e.g. 64M or 2G (default: 3/4 of each device's memory); larger tiles stream through (out-of-core)." };
    private static readonly Option<FileInfo?> TraceOption = new("--trace") { Description = "Write the median run's tiles as Chrome trace-event JSON (open in ui.perfetto.dev)." };

    /// <summary>Timed runs expected to take longer than this show a progress bar (on an interactive terminal).</summary>
    private const double ProgressBarSeconds = 1.0;

    public static Command Create()
    {
        var command = new Command("gemm", "Multiply random matrices across the devices, verify, and report throughput.")
        {
            SizeOption, MOption, NOption, KOption, PrecisionOption, DeviceListOption, PolicyOption, RepeatOption, JsonOption, TraceOption, InjectFaultOption, BudgetOption,
            GemmOperation.TransAOption, GemmOperation.TransBOption, GemmOperation.AlphaOption, GemmOperation.BetaOption,
        };
        command.SetAction(parse => Execute(Settings.From(parse)));
        return command;
    }

    private static int Execute(Settings settings)
    {
        // The trace file is opened before the work: an unwritable path fails at once, not after every timed run.
        using FileStream? trace = settings.Trace is null ? null : Shape.OpenForWriting(settings.Trace, "--trace");
        return settings.Precision == "f32" ? Run<float>(settings, trace) : Run<double>(settings, trace);
    }

    private static int Run<T>(Settings s, FileStream? trace)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var engine = new ComputeEngine(new ComputeEngineOptions
        {
            Devices = s.Devices,
            Policy = s.Policy,
            InjectFaults = s.Faults,
            DeviceMemoryBudgetBytes = s.Budget,
        });
        GemmOperation op = s.Operation;
        (HostMatrix<T> a, HostMatrix<T> b, HostMatrix<T> c0) = op.Operands<T>(s.M, s.N, s.K, Seed);
        var c = new HostMatrix<T>(s.M, s.N);
        T alpha = T.CreateTruncating(op.Alpha), beta = T.CreateTruncating(op.Beta);

        // β ≠ 0 reads C: every run starts from the same C₀ (the copy is outside the timed product), so the last one verifies.
        GemmReport Once(IProgress<GemmProgress>? progress = null)
        {
            if (op.Beta != 0)
            {
                c0.Data.AsSpan().CopyTo(c.Data);
            }

            return progress is null
                ? engine.Gemm(alpha, a, op.OpA, b, op.OpB, beta, c)
                : engine.GemmAsync(alpha, a, op.OpA, b, op.OpB, beta, c, progress).GetAwaiter().GetResult();
        }

        GemmReport warmUp = Once(); // calibration, kernel compilation, JIT tiering, page faults
        List<GemmReport> runs = !s.Json && AnsiConsole.Profile.Capabilities.Interactive && warmUp.Seconds * s.Repeat > ProgressBarSeconds
            ? RunWithProgressBar(Once, s.Repeat)
            : Enumerable.Range(0, s.Repeat).Select(_ => Once()).ToList();

        GemmReport median = runs.OrderBy(r => r.Seconds).ElementAt(runs.Count / 2);
        if (trace is not null)
        {
            ChromeTrace.Write(median, trace);
        }

        var check = GemmCheck.Run(op, a, b, c0, c, Seed + 3);
        double gflops = median.Seconds > 0 ? median.Flops / median.Seconds / 1e9 : 0;
        if (s.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(
                new
                {
                    m = s.M,
                    n = s.N,
                    k = s.K,
                    precision = s.Precision,
                    transa = op.OpA == Transpose.None ? "N" : "T",
                    transb = op.OpB == Transpose.None ? "N" : "T",
                    alpha = op.Alpha,
                    beta = op.Beta,
                    policy = SchedulingPolicyNames.Name(engine.Policy),
                    seconds = median.Seconds,
                    gflops,
                    rel_error = check.RelativeError,
                    tolerance = check.Tolerance,
                    check = check.Method,
                    verified = check.Verified,
                    repeat = s.Repeat,
                    run_seconds = runs.Select(r => r.Seconds).ToArray(),
                    tiles = median.Devices.Sum(d => d.Tiles),
                    devices = median.Devices.Select(d => new
                    {
                        id = d.DeviceId,
                        name = d.Name,
                        kind = d.Kind.ToString().ToLowerInvariant(),
                        tiles = d.Tiles,
                        busy_seconds = d.BusySeconds,
                        gflops = d.BusySeconds > 0 ? d.Flops / d.BusySeconds / 1e9 : 0,
                        bytes_moved = d.BytesMoved,
                        error = d.Error,
                    }).ToArray(),
                    sat_out = median.SatOut,
                }));
        }
        else
        {
            PrintHuman(s, engine.Policy, runs, median, gflops, check);
        }

        return check.Verified ? 0 : 1;
    }

    private static List<GemmReport> RunWithProgressBar(Func<IProgress<GemmProgress>?, GemmReport> once, int repeat)
    {
        var runs = new List<GemmReport>(repeat);
        AnsiConsole.Progress().Start(context =>
        {
            ProgressTask bar = context.AddTask($"{repeat} timed runs", maxValue: repeat);
            for (int r = 0; r < repeat; r++)
            {
                runs.Add(once(new BarProgress(bar, r)));
            }
        });
        return runs;
    }

    private static void PrintHuman(Settings s, SchedulingPolicy policy, List<GemmReport> runs, GemmReport median, double gflops, GemmCheck check)
    {
        AnsiConsole.MarkupLine(
            $"[bold]GEMM[/] {Markup.Escape(s.Operation.Formula)}  m={s.M} n={s.N} k={s.K}  {s.Precision}  policy {SchedulingPolicyNames.Name(policy)}  {Plural(median.Devices.Sum(d => d.Tiles), "tile")}");
        AnsiConsole.MarkupLine(
            $"median of {runs.Count}: [bold]{median.Seconds:F4} s  {gflops:F1} GFLOP/s[/]  (min {runs.Min(r => r.Seconds):F4} s, max {runs.Max(r => r.Seconds):F4} s)");
        var table = new Table().AddColumns("device", "kind", "tiles", "busy s", "GFLOP/s", "share of work");
        foreach (DeviceShare d in median.Devices)
        {
            table.AddRow(
                Markup.Escape($"{d.DeviceId}: {d.Name}{(d.Error is null ? string.Empty : $" FAILED: {d.Error}")}"),
                d.Kind.ToString(),
                d.Tiles.ToString(System.Globalization.CultureInfo.InvariantCulture),
                d.BusySeconds.ToString("F4", System.Globalization.CultureInfo.InvariantCulture),
                (d.BusySeconds > 0 ? d.Flops / d.BusySeconds / 1e9 : 0).ToString("F1", System.Globalization.CultureInfo.InvariantCulture),
                median.Flops > 0 ? $"{100 * d.Flops / median.Flops:F1} %" : "-");
        }

        AnsiConsole.Write(table);
        foreach (string why in median.SatOut)
        {
            AnsiConsole.MarkupLine(Markup.Escape(why));
        }
        string verdict = check.Verified ? "[green]verified[/]" : "[red]NOT VERIFIED[/]";
        AnsiConsole.MarkupLine(
            $"check ({check.Method}, double-precision reference): rel_error {check.RelativeError:E2} (tolerance {check.Tolerance:E2}) {verdict}");
    }

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    private static long? ParseBytes(string? text)
    {
        if (text is null)
        {
            return null;
        }

        string digits = text.TrimEnd('K', 'k', 'M', 'm', 'G', 'g');
        long unit = text.Length == digits.Length ? 1 : char.ToUpperInvariant(text[^1]) switch { 'K' => 1L << 10, 'M' => 1L << 20, _ => 1L << 30 };
        return long.TryParse(digits, out long value) && value > 0 && value <= long.MaxValue / unit
            ? value * unit
            : throw new UsageException($"--memory-budget takes a positive size like 65536, 64M or 2G; got '{text}'.");
    }

    private static Dictionary<string, int>? ParseFaults(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var faults = new Dictionary<string, int>();
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new UsageException("--inject-fault names no device; give ID:N, e.g. ilgpu-cpu:0.");
        }

        foreach (string entry in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int colon = entry.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(entry[(colon + 1)..], out int ok) || ok < 0)
            {
                throw new UsageException($"--inject-fault takes ID:N with N ≥ 0 (e.g. cuda:0:3 or ilgpu-cpu:0); got '{entry}'.");
            }

            faults[entry[..colon]] = ok;
        }

        return faults;
    }

    /// <summary>Moves the bar by tiles: run <c>run</c> of the series, each run one unit.</summary>
    private sealed class BarProgress(ProgressTask bar, int run) : IProgress<GemmProgress>
    {
        public void Report(GemmProgress value) => bar.Value = run + ((double)value.TilesDone / Math.Max(1, value.TilesTotal));
    }

    /// <summary>The validated arguments of one <c>gemm</c> run.</summary>
    private sealed record Settings(
        int M, int N, int K, string Precision, string? Devices, SchedulingPolicy? Policy, int Repeat, bool Json, FileInfo? Trace, IReadOnlyDictionary<string, int>? Faults, long? Budget, GemmOperation Operation)
    {
        public static Settings From(ParseResult parse)
        {
            (int mm, int nn, int kk) = Shape.From(parse.GetValue(SizeOption), parse.GetValue(MOption), parse.GetValue(NOption), parse.GetValue(KOption), 2048);
            Shape.CheckHostable(mm, nn, kk);
            string precision = Shape.Precision(parse.GetValue(PrecisionOption)!);
            int repeat = Shape.Repeat(parse.GetValue(RepeatOption));

            string? policy = parse.GetValue(PolicyOption);
            return new Settings(
                mm, nn, kk, precision, parse.GetValue(DeviceListOption),
                policy is null ? null : SchedulingPolicyNames.Parse(policy), repeat, parse.GetValue(JsonOption), parse.GetValue(TraceOption),
                ParseFaults(parse.GetValue(InjectFaultOption)), ParseBytes(parse.GetValue(BudgetOption)), GemmOperation.From(parse));
        }
    }
}
