using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using GpuCompute.Bench.Baselines;
using GpuCompute.Bench.Operations;
using GpuCompute.Backends.Cpu;
using Spectre.Console;

namespace GpuCompute.Bench.Commands;

/// <summary>
/// <c>op NAME</c>: one operation on device-resident random data across the selected devices, one warm-up then R timed
/// runs, verified against a double-precision reference, reported in GFLOP/s and GB/s; memory-bound operations on the
/// CPU device are also compared with a STREAM triad measured in the same run.
/// </summary>
internal static class OpCommand
{
    private const int Seed = 2025;

    private static readonly Argument<string> NameArgument = new("name") { Description = $"The operation: {string.Join(", ", OpCases.Names)}." };
    private static readonly Option<long?> SizeOption = new("--size") { Description = "Vector length (element-wise ops, reductions; default 2^25), or N of the N x N matrix (gemv, transpose; default 8192) or of each matrix (batched-gemm; default 32)." };
    private static readonly Option<int?> BatchOption = new("--batch") { Description = "Matrices in the batch (batched-gemm only; default 10000)." };
    private static readonly Option<string> PrecisionOption = new("--precision") { Description = "f32 or f64.", DefaultValueFactory = _ => "f32" };
    private static readonly Option<string?> DeviceListOption = new("--devices") { Description = "Devices, e.g. cpu or cuda,cpu (default: GPUCOMPUTE_DEVICES, else every CPU and GPU device)." };
    private static readonly Option<int> RepeatOption = new("--repeat") { Description = "Timed runs after one warm-up.", DefaultValueFactory = _ => 15 };
    private static readonly Option<bool> JsonOption = new("--json") { Description = "Print exactly one JSON object." };

    public static Command Create()
    {
        var command = new Command("op", "Run one operation (axpy, dot, gemv, …) on device-resident data, verify it, and report GFLOP/s and GB/s.")
        {
            NameArgument, SizeOption, BatchOption, PrecisionOption, DeviceListOption, RepeatOption, JsonOption,
        };
        command.SetAction(parse => Execute(parse));
        return command;
    }

    private static int Execute(ParseResult parse)
    {
        string name = parse.GetValue(NameArgument)!;
        if (!OpCases.Names.Contains(name))
        {
            throw new UsageException($"Unknown operation '{name}'; the operations are {string.Join(", ", OpCases.Names)}.");
        }

        bool matrix = name is "gemv" or "transpose" or "batched-gemm";
        long size = parse.GetValue(SizeOption) ?? (name == "batched-gemm" ? 32 : matrix ? 8192 : 1L << 25);
        int? batchGiven = parse.GetValue(BatchOption);
        if (batchGiven is not null && name != "batched-gemm")
        {
            throw new UsageException($"--batch applies to batched-gemm only, not to '{name}'.");
        }

        int batch = batchGiven ?? 10_000;
        int repeat = Shape.Repeat(parse.GetValue(RepeatOption));
        if (size < 0 || batch < 1)
        {
            throw new UsageException($"--size must be ≥ 0 and --batch ≥ 1; got {size} and {batch}.");
        }

        // In 128 bits: size² of a --size near 2^31.5 wraps a long past the check below.
        Int128 elements = name == "batched-gemm" ? (Int128)batch * size * size : matrix ? (Int128)size * size : size;
        if (elements > Array.MaxLength)
        {
            throw new UsageException($"'{name}' with --size {size} needs {elements} elements per operand; the host side holds at most {Array.MaxLength}.");
        }

        string precision = Shape.Precision(parse.GetValue(PrecisionOption)!);
        var settings = new Settings(name, size, batch, precision, parse.GetValue(DeviceListOption), repeat, parse.GetValue(JsonOption));
        return precision == "f32" ? Run<float>(settings) : Run<double>(settings);
    }

    private static int Run<T>(Settings s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var engine = new ComputeEngine(new ComputeEngineOptions { Devices = s.Devices });
        OpCase op = OpCases.Create<T>(engine, s.Name, s.Size, s.Batch, Seed);
        using IDisposable resources = op.Resources;

        // The CPU device's memory-bound figures are judged against a triad moving as many bytes, timed in turn with the
        // operation (this machine's second core is shared, so only side-by-side runs compare).
        CpuDevice? cpu = engine.Devices.OfType<CpuDevice>().FirstOrDefault();
        StreamTriad? triad = op.MemoryBound && cpu is not null && engine.Devices.Count == 1
            ? new StreamTriad(Math.Max(1L << 24, (long)(op.Bytes / 12)), cpu.Threads)
            : null;

        // Warm-up: kernel compilation, first touch, and the JIT's tier-up of the hot loops, which waits for calls to
        // settle for ~100 ms (a single warm-up run left the first timed runs ~3x slow).
        long warmStart = Stopwatch.GetTimestamp();
        for (int w = 0; w < 20 && (w < 3 || Stopwatch.GetElapsedTime(warmStart).TotalSeconds < 0.5); w++)
        {
            op.Run();
            triad?.RunSeconds();
        }

        var seconds = new double[s.Repeat];
        var triadSeconds = new double[s.Repeat];
        for (int r = 0; r < s.Repeat; r++)
        {
            long start = Stopwatch.GetTimestamp();
            op.Run();
            seconds[r] = Stopwatch.GetElapsedTime(start).TotalSeconds;
            triadSeconds[r] = triad?.RunSeconds() ?? 0;
        }

        double median = Median(seconds);
        (double error, double tolerance) = op.Check();
        bool verified = error <= tolerance;
        double gflops = median > 0 ? op.Flops / median / 1e9 : 0;
        double gbps = median > 0 ? op.Bytes / median / 1e9 : 0;
        double? triadGbps = triad is null ? null : triad.Bytes / Median(triadSeconds) / 1e9;

        if (s.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                op = s.Name,
                size = s.Size,
                batch = s.Name == "batched-gemm" ? s.Batch : (int?)null,
                precision = s.Precision,
                devices = engine.Devices.Select(d => d.Id).ToArray(),
                seconds = median,
                gflops,
                gbps,
                triad_gbps = triadGbps,
                fraction_of_triad = triadGbps is double t ? gbps / t : (double?)null,
                rel_error = error,
                tolerance,
                verified,
                repeat = s.Repeat,
                run_seconds = seconds,
            }));
        }
        else
        {
            AnsiConsole.MarkupLine(
                $"[bold]{s.Name}[/]  size {s.Size}{(s.Name == "batched-gemm" ? $" batch {s.Batch}" : string.Empty)}  {s.Precision}  on {string.Join(", ", engine.Devices.Select(d => d.Id))}");
            AnsiConsole.MarkupLine(
                $"median of {s.Repeat}: [bold]{median * 1e3:F3} ms  {gflops:F2} GFLOP/s  {gbps:F1} GB/s[/]  (min {seconds.Min() * 1e3:F3} ms, max {seconds.Max() * 1e3:F3} ms)");
            if (triadGbps is double t)
            {
                AnsiConsole.MarkupLine($"STREAM triad, timed in turn with it: median {t:F1} GB/s; this operation reaches {100 * gbps / t:F0} % of it");
            }

            string verdict = verified ? "[green]verified[/]" : "[red]NOT VERIFIED[/]";
            AnsiConsole.MarkupLine(
                $"check (double-precision reference): rel_error {error.ToString("E2", CultureInfo.InvariantCulture)} (tolerance {tolerance.ToString("E2", CultureInfo.InvariantCulture)}) {verdict}");
        }

        return verified ? 0 : 1;
    }

    private static double Median(double[] values) => values.Order().ElementAt(values.Length / 2);

    /// <summary>The validated arguments of one <c>op</c> run.</summary>
    private sealed record Settings(string Name, long Size, int Batch, string Precision, string? Devices, int Repeat, bool Json);
}
