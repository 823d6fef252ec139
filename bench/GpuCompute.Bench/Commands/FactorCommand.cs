using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using GpuCompute.Bench.Baselines;
using GpuCompute.Bench.Inputs;
using GpuCompute.Matrices;
using Spectre.Console;

namespace GpuCompute.Bench.Commands;

/// <summary>
/// <c>factor cholesky</c>: the engine's tile Cholesky beside OpenBLAS's LAPACK <c>?potrf</c> on the same random SPD
/// matrix (M·Mᵀ/n + I), interleaved run by run (the input copied back untimed before each), each verified by its
/// backward error ‖A − L·Lᵀ‖_F/‖A‖_F in double precision; GFLOP/s by n³/3.
/// </summary>
internal static class FactorCommand
{
    private static readonly Argument<string> KindArgument = new("kind") { Description = "cholesky (LU and QR are not implemented yet)." };
    private static readonly Option<int> SizeOption = new("--size") { Description = "The order n (default 4096).", DefaultValueFactory = _ => 4096 };
    private static readonly Option<string> PrecisionOption = new("--precision") { Description = "f32 or f64.", DefaultValueFactory = _ => "f64" };
    private static readonly Option<string?> DeviceListOption = new("--devices") { Description = "Devices, e.g. cpu or cpu,cuda (default: GPUCOMPUTE_DEVICES, else every CPU and GPU device)." };
    private static readonly Option<int> RepeatOption = new("--repeat") { Description = "Timed runs of each library, interleaved, after one warm-up each.", DefaultValueFactory = _ => 3 };
    private static readonly Option<int?> ThreadsOption = new("--threads") { Description = "CPU threads for both (default: all cores)." };
    private static readonly Option<int?> TileOption = new("--tile") { Description = "The engine's tile order (default 256)." };
    private static readonly Option<string?> CoreTypeOption = new("--openblas-coretype") { Description = "OPENBLAS_CORETYPE to load OpenBLAS with, e.g. SkylakeX (AVX-512); default: its own choice." };
    private static readonly Option<bool> JsonOption = new("--json") { Description = "Print exactly one JSON object." };

    public static Command Create()
    {
        var command = new Command("factor", "Factor a random matrix with the engine's tile algorithm, beside OpenBLAS's LAPACK, verified by the backward error.")
        {
            KindArgument, SizeOption, PrecisionOption, DeviceListOption, RepeatOption, ThreadsOption, TileOption, CoreTypeOption, JsonOption,
        };
        command.SetAction(parse =>
        {
            string kind = parse.GetValue(KindArgument)!;
            if (kind != "cholesky")
            {
                throw new UsageException($"factor takes cholesky; '{kind}' is not implemented (LU and QR are planned).");
            }

            int n = parse.GetValue(SizeOption);
            if (n is < 1 or > 46340)
            {
                throw new UsageException($"--size must be between 1 and 46340 (n² elements in one array); got {n}.");
            }

            int threads = parse.GetValue(ThreadsOption) ?? Environment.ProcessorCount;
            if (threads is < 1 or > 4096)
            {
                throw new UsageException($"--threads must be between 1 and 4096; got {threads}.");
            }

            int? tile = parse.GetValue(TileOption);
            if (tile is < 16 or > 8192)
            {
                throw new UsageException($"--tile must be between 16 and 8192; got {tile}.");
            }

            string? coreType = parse.GetValue(CoreTypeOption);
            if (coreType is not null && (coreType.Length == 0 || !coreType.All(char.IsAsciiLetterOrDigit)))
            {
                throw new UsageException($"--openblas-coretype takes an OpenBLAS core name such as SkylakeX or Haswell; got '{coreType}'.");
            }

            string precision = Shape.Precision(parse.GetValue(PrecisionOption)!);
            var settings = new Settings(n, parse.GetValue(DeviceListOption), Shape.Repeat(parse.GetValue(RepeatOption)), threads, tile, coreType, parse.GetValue(JsonOption));
            return precision == "f32" ? Run<float>(settings) : Run<double>(settings);
        });
        return command;
    }

    private sealed record Settings(int N, string? Devices, int Repeat, int Threads, int? Tile, string? CoreType, bool Json);

    private static int Run<T>(Settings s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = s.N;
        using var engine = new ComputeEngine(new ComputeEngineOptions { Devices = s.Devices, CpuThreads = s.Threads });
        if (s.Tile is int tile)
        {
            engine.FactorTile = tile;
        }

        HostMatrix<T> a = Spd<T>(engine, n);
        SystemBlas? blas = SystemBlas.TryLoad(s.CoreType, out string whyNot);
        if (blas is { HasPotrf: false })
        {
            whyNot = $"{blas.Name} has no potrf";
            blas = null;
        }

        blas?.SetThreads(s.Threads);
        var ours = new List<double>();
        var theirs = new List<double>();
        HostMatrix<T> mine = new(n, n), reference = new(n, n);
        WarmUp<T>(engine, blas);
        Scheduling.OperationReport? report = null;
        for (int run = 0; run <= s.Repeat; run++)
        {
            a.Data.CopyTo(mine.Data, 0);
            long start = Stopwatch.GetTimestamp();
            report = engine.Cholesky(mine);
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (run > 0)
            {
                ours.Add(seconds);
            }

            if (blas is not null)
            {
                a.Data.CopyTo(reference.Data, 0);
                start = Stopwatch.GetTimestamp();
                int info = blas.Potrf(reference);
                seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
                if (info != 0)
                {
                    throw new InvalidOperationException($"potrf returned info = {info} on an SPD matrix.");
                }

                if (run > 0)
                {
                    theirs.Add(seconds);
                }
            }
        }

        double unit = typeof(T) == typeof(float) ? Math.ScaleB(1, -24) : Math.ScaleB(1, -53);
        const double C = 4; // the bound c·n·u with c = 4
        double ourError = BackwardError(engine, a, mine), bound = C * n * unit;
        double? theirError = blas is null ? null : BackwardError(engine, a, reference);
        double oursMedian = Median(ours), flops = (double)n * n * n / 3;
        double? theirsMedian = blas is null ? null : Median(theirs);
        bool verified = ourError <= bound;
        string precision = typeof(T) == typeof(float) ? "f32" : "f64";
        var shares = report!.Devices.Select(d => new { id = d.DeviceId, tasks = d.Tiles, busy_seconds = d.BusySeconds, gflops = d.BusySeconds > 0 ? d.Flops / d.BusySeconds / 1e9 : 0, error = d.Error }).ToArray();
        if (s.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                kind = "cholesky", n, precision, threads = s.Threads, tile = engine.FactorTile, repeat = s.Repeat,
                seconds = oursMedian, gflops = flops / oursMedian / 1e9, backward_error = ourError, bound, verified,
                openblas = blas?.Name ?? whyNot, openblas_seconds = theirsMedian, openblas_gflops = theirsMedian is double t ? flops / t / 1e9 : (double?)null,
                openblas_backward_error = theirError, ratio_to_openblas = theirsMedian / oursMedian, run_seconds = ours, openblas_run_seconds = theirs,
                tasks = report.Trace.Count, devices = shares,
            }));
        }
        else
        {
            AnsiConsole.MarkupLine($"Cholesky n={n} {precision}, {s.Threads} threads, tiles of {engine.FactorTile}: {report.Trace.Count} tasks");
            var table = new Table().AddColumns("library", "median s", "GFLOP/s (n³/3)", "backward error", "vs OpenBLAS");
            table.AddRow("GpuCompute", F(oursMedian, "F4"), F(flops / oursMedian / 1e9, "F1"), ourError.ToString("E2", CultureInfo.InvariantCulture), theirsMedian is double tm ? $"{tm / oursMedian:F2}x" : "-");
            if (blas is not null)
            {
                table.AddRow(Markup.Escape(blas.Name), F(theirsMedian!.Value, "F4"), F(flops / theirsMedian.Value / 1e9, "F1"), theirError!.Value.ToString("E2", CultureInfo.InvariantCulture), "1.00x");
            }

            AnsiConsole.Write(table);
            if (blas is null)
            {
                AnsiConsole.MarkupLine($"OpenBLAS: {Markup.Escape(whyNot)}");
            }

            foreach (var d in shares)
            {
                AnsiConsole.MarkupLine($"  {Markup.Escape(d.id)}: {d.tasks} tasks, busy {d.busy_seconds:F3} s{(d.error is null ? "" : $", failed: {Markup.Escape(d.error)}")}");
            }

            AnsiConsole.MarkupLine($"check: backward error {ourError:E2} (bound {C}·n·u = {bound:E2}) {(verified ? "verified" : "[red]FAILED[/]")}");
        }

        return verified ? 0 : 1;
    }

    /// <summary>Factors small matrices until the JIT has compiled the tile kernels at full optimization (the first
    /// calls run unoptimized code: three runs at 2048 took 4× the steady time here), so the timed runs measure the
    /// kernels, not the JIT.</summary>
    private static void WarmUp<T>(ComputeEngine engine, SystemBlas? blas)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        HostMatrix<T> a = Spd<T>(engine, 640), work = new(640, 640);
        var clock = Stopwatch.StartNew();
        for (int run = 0; run < 40 || clock.Elapsed.TotalSeconds < 1; run++)
        {
            a.Data.CopyTo(work.Data, 0);
            engine.Cholesky(work);
            if (run < 2 && blas is not null)
            {
                a.Data.CopyTo(work.Data, 0);
                blas.Potrf(work);
            }
        }
    }

    /// <summary>M·Mᵀ/n + I for M uniform in [−1, 1), symmetric to the bit (the lower triangle mirrored).</summary>
    private static HostMatrix<T> Spd<T>(ComputeEngine engine, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        HostMatrix<T> m = RandomMatrices.Create<T>(n, n, 11);
        var a = new HostMatrix<T>(n, n);
        for (int i = 0; i < n; i++)
        {
            a[i, i] = T.One;
        }

        engine.Gemm(T.CreateTruncating(1.0 / n), m, Transpose.None, m, Transpose.Transposed, T.One, a);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < i; j++)
            {
                a[j, i] = a[i, j];
            }
        }

        return a;
    }

    /// <summary>‖A − L·Lᵀ‖_F/‖A‖_F with L·Lᵀ computed in double (the engine's f64 GEMM on L's lower triangle).</summary>
    private static double BackwardError<T>(ComputeEngine engine, HostMatrix<T> a, HostMatrix<T> factor)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = a.Rows;
        var l = new HostMatrix<double>(n, n);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                l[i, j] = double.CreateTruncating(factor[i, j]);
            }
        }

        var product = new HostMatrix<double>(n, n);
        engine.Gemm(1.0, l, Transpose.None, l, Transpose.Transposed, 0.0, product);
        double diff = 0, norm = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double exact = double.CreateTruncating(a[i, j]), d = exact - product[i, j];
                diff += d * d;
                norm += exact * exact;
            }
        }

        return Math.Sqrt(diff / norm);
    }

    private static double Median(List<double> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
