using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using GpuCompute.Bench.Baselines;
using GpuCompute.Bench.Inputs;
using GpuCompute.Cluster.Node;
using GpuCompute.Matrices;
using GpuCompute.Scheduling;
using Spectre.Console;

namespace GpuCompute.Bench.Commands;

/// <summary>
/// <c>factor cholesky|lu</c>: the engine's tile Cholesky or LU beside OpenBLAS's LAPACK (<c>?potrf</c>, <c>?getrf</c>)
/// on the same random matrix (SPD M·Mᵀ/n + I for Cholesky, uniform for LU), interleaved run by run (the input copied
/// back untimed before each), each verified by its backward error (‖A − L·Lᵀ‖_F/‖A‖_F, ‖P·A − L·U‖_F/‖A‖_F) in double
/// precision; GFLOP/s by n³/3 and 2n³/3; for LU also the growth factor max|U|/max|A| of both.
/// </summary>
internal static class FactorCommand
{
    private static readonly Argument<string> KindArgument = new("kind") { Description = "cholesky, lu or qr." };
    private static readonly Option<int> SizeOption = new("--size") { Description = "The order n (default 4096).", DefaultValueFactory = _ => 4096 };
    private static readonly Option<string> PrecisionOption = new("--precision") { Description = "f32 or f64.", DefaultValueFactory = _ => "f64" };
    private static readonly Option<string?> DeviceListOption = new("--devices") { Description = "Devices, e.g. cpu or cpu,cuda (default: GPUCOMPUTE_DEVICES, else every CPU and GPU device)." };
    private static readonly Option<int> RepeatOption = new("--repeat") { Description = "Timed runs of each library, interleaved, after one warm-up each.", DefaultValueFactory = _ => 3 };
    private static readonly Option<int?> ThreadsOption = new("--threads") { Description = "CPU threads for both (default: all cores)." };
    private static readonly Option<string?> PolicyOption = new("--policy") { Description = $"The task graph's scheduling policy: {string.Join(", ", SchedulingPolicyNames.Names)} (default adaptive)." };
    private static readonly Option<int?> TileOption = new("--tile") { Description = "The engine's tile order (default 384)." };
    private static readonly Option<FileInfo?> PictureOption = new("--picture") { Description = "Write the last timed run's trace (one bar per task, one row per device lane) as an SVG Gantt chart." };
    private static readonly Option<string?> CoreTypeOption = new("--openblas-coretype") { Description = "OPENBLAS_CORETYPE to load OpenBLAS with, e.g. SkylakeX (AVX-512); default: its own choice." };
    private static readonly Option<bool> JsonOption = new("--json") { Description = "Print exactly one JSON object." };
    private static readonly Option<int> NodesOption = new("--nodes") { Description = "Start this many local node processes (this CLI's node, Orleans on loopback TCP) and give the graph their devices too (default 0).", DefaultValueFactory = _ => 0 };
    private static readonly Option<int> NodeThreadsOption = new("--threads-per-node") { Description = "CPU threads of each node started by --nodes (default 1).", DefaultValueFactory = _ => 1 };

    public static Command Create()
    {
        var command = new Command("factor", "Factor a random matrix with the engine's tile algorithm, beside OpenBLAS's LAPACK, verified by the backward error.")
        {
            KindArgument, SizeOption, PrecisionOption, DeviceListOption, PolicyOption, RepeatOption, ThreadsOption, TileOption, CoreTypeOption, JsonOption, PictureOption,
            NodesOption, NodeThreadsOption,
        };
        command.SetAction(parse =>
        {
            string kind = parse.GetValue(KindArgument)!;
            if (kind is not ("cholesky" or "lu" or "qr"))
            {
                throw new UsageException($"factor takes cholesky, lu or qr; got '{kind}'.");
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

            int nodes = parse.GetValue(NodesOption), nodeThreads = parse.GetValue(NodeThreadsOption);
            if (nodes is < 0 or > 16 || nodeThreads is < 1 or > 4096)
            {
                throw new UsageException($"--nodes takes 0 to 16 and --threads-per-node 1 to 4096; got {nodes} and {nodeThreads}.");
            }

            string precision = Shape.Precision(parse.GetValue(PrecisionOption)!);
            string? policy = parse.GetValue(PolicyOption);
            var settings = new Settings(
                kind, n, parse.GetValue(DeviceListOption), policy is null ? null : SchedulingPolicyNames.Parse(policy), Shape.Repeat(parse.GetValue(RepeatOption)), threads, tile, coreType, parse.GetValue(JsonOption), parse.GetValue(PictureOption),
                nodes, nodeThreads);
            return precision == "f32" ? Run<float>(settings) : Run<double>(settings);
        });
        return command;
    }

    /// <summary>The last run's tasks by kind (the name before its parenthesis: potrf, trsm, syrk, gemm, panel, swap…),
    /// with their busy time summed over every lane: where a factorization's time goes.</summary>
    private static TaskKind[] TaskKinds(OperationReport report) =>
        [.. report.Trace
            .Where(r => !r.Failed)
            .GroupBy(r => r.Item.IndexOf('(', StringComparison.Ordinal) is int open and > 0 ? r.Item[..open] : r.Item)
            .Select(g => new TaskKind(g.Key, g.Count(), g.Sum(r => r.EndSeconds - r.StartSeconds)))
            .OrderByDescending(k => k.BusySeconds)];

    private sealed record TaskKind(string Kind, int Tasks, double BusySeconds);

    private sealed record Settings(
        string Kind, int N, string? Devices, SchedulingPolicy? Policy, int Repeat, int Threads, int? Tile, string? CoreType, bool Json, FileInfo? Picture, int Nodes, int NodeThreads);

    /// <summary>Writes <paramref name="report"/>'s trace as a Gantt chart when <c>--picture</c> asks for one.</summary>
    private static void Picture(Settings s, OperationReport report, string precision)
    {
        if (s.Picture is null)
        {
            return;
        }

        using FileStream file = Shape.OpenForWriting(s.Picture, "--picture");
        using var writer = new StreamWriter(file);
        string devices = string.Join(", ", report.Devices.Select(d => $"{d.DeviceId} {d.Tiles} tasks"));
        writer.Write(Reports.TracePicture.Svg(Reports.TracePicture.Bars(report), $"{s.Kind} n={s.N} {precision}, {report.Trace.Count} tasks in {report.Seconds * 1e3:F0} ms ({devices})"));
    }

    private static int Run<T>(Settings s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = s.N;

        // With --nodes, the graph's devices are the local ones and the nodes' (each node a device of its own).
        using LocalCluster? cluster = s.Nodes > 0 ? LocalCluster.Start([.. Enumerable.Repeat(s.NodeThreads, s.Nodes)], ClusterCommand.NodeProcess) : null;
        using var engine = new ComputeEngine(new ComputeEngineOptions
        {
            Devices = cluster is null ? s.Devices : $"{s.Devices ?? "cpu"},node", Cluster = cluster?.Spec, Policy = s.Policy, CpuThreads = s.Threads,
        });
        if (s.Tile is int tile)
        {
            engine.FactorTile = tile;
        }

        if (s.Kind == "qr")
        {
            return RunQr<T>(engine, s);
        }

        bool lu = s.Kind == "lu";
        HostMatrix<T> a = lu ? RandomMatrices.Create<T>(n, n, 13) : Spd<T>(engine, n);

        // LAPACK is column-major: it is handed Aᵀ's memory, which it reads as A, so both factor the same matrix.
        HostMatrix<T> theirInput = lu ? Transposed(a) : a;
        SystemBlas? blas = SystemBlas.TryLoad(s.CoreType, out string whyNot);
        if (blas is not null && !(lu ? blas.HasGetrf : blas.HasPotrf))
        {
            whyNot = $"{blas.Name} has no {(lu ? "getrf" : "potrf")}";
            blas = null;
        }

        blas?.SetThreads(s.Threads);
        var ours = new List<double>();
        var theirs = new List<double>();
        HostMatrix<T> mine = new(n, n), reference = new(n, n);
        int[] ourPivots = new int[n], theirPivots = new int[n];
        WarmUp<T>(engine, blas, lu);
        OperationReport? report = null;
        for (int run = 0; run <= s.Repeat; run++)
        {
            a.Data.CopyTo(mine.Data, 0);
            long start = Stopwatch.GetTimestamp();
            report = lu ? engine.Lu(mine, ourPivots) : engine.Cholesky(mine);
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (run > 0)
            {
                ours.Add(seconds);
            }

            if (blas is not null)
            {
                theirInput.Data.CopyTo(reference.Data, 0);
                start = Stopwatch.GetTimestamp();
                int info = lu ? blas.GetrfTransposed(reference, theirPivots) : blas.Potrf(reference);
                seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
                if (info != 0)
                {
                    throw new InvalidOperationException($"{(lu ? "getrf" : "potrf")} returned info = {info} on the test matrix.");
                }

                if (run > 0)
                {
                    theirs.Add(seconds);
                }
            }
        }

        double unit = typeof(T) == typeof(float) ? Math.ScaleB(1, -24) : Math.ScaleB(1, -53);
        double? ourGrowth = lu ? Growth(a, mine) : null;
        double? theirGrowth = lu && blas is not null ? Growth(a, Transposed(reference)) : null;

        // The bounds c·n·u: c = 4 for Cholesky; for LU c = 8 times the growth factor (partial pivoting's bound).
        double bound = (lu ? 8 * Math.Max(1, ourGrowth!.Value) : 4) * n * unit;
        double ourError = lu ? LuError(engine, a, mine, ourPivots, oneBased: false) : BackwardError(engine, a, mine);
        double? theirError = blas is null ? null : lu ? LuError(engine, a, Transposed(reference), theirPivots, oneBased: true) : BackwardError(engine, a, reference);
        double oursMedian = Median(ours), flops = (lu ? 2.0 : 1.0) * n * n * n / 3;
        double? theirsMedian = blas is null ? null : Median(theirs);
        bool verified = ourError <= bound;
        string precision = typeof(T) == typeof(float) ? "f32" : "f64";
        var shares = report!.Devices.Select(d => new { id = d.DeviceId, tasks = d.Tiles, busy_seconds = d.BusySeconds, gflops = d.BusySeconds > 0 ? d.Flops / d.BusySeconds / 1e9 : 0, error = d.Error }).ToArray();
        var kinds = TaskKinds(report);
        Picture(s, report!, precision);
        if (s.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                kind = s.Kind, n, precision, threads = s.Threads, tile = engine.FactorTile, repeat = s.Repeat, policy = SchedulingPolicyNames.Name(engine.Policy),
                seconds = oursMedian, gflops = flops / oursMedian / 1e9, backward_error = ourError, bound, verified,
                growth = ourGrowth, openblas_growth = theirGrowth,
                openblas = blas?.Name ?? whyNot, openblas_seconds = theirsMedian, openblas_gflops = theirsMedian is double t ? flops / t / 1e9 : (double?)null,
                openblas_backward_error = theirError, ratio_to_openblas = theirsMedian / oursMedian, run_seconds = ours, openblas_run_seconds = theirs,
                tasks = report.Trace.Count, devices = shares, task_kinds = kinds.Select(k => new { kind = k.Kind, tasks = k.Tasks, busy_seconds = k.BusySeconds }),
            }));
        }
        else
        {
            AnsiConsole.MarkupLine($"{(lu ? "LU" : "Cholesky")} n={n} {precision}, {s.Threads} threads, tiles of {engine.FactorTile}, policy {SchedulingPolicyNames.Name(engine.Policy)}: {report.Trace.Count} tasks");
            var table = new Table().AddColumns("library", "median s", lu ? "GFLOP/s (2n³/3)" : "GFLOP/s (n³/3)", "backward error", "vs OpenBLAS");
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

            AnsiConsole.MarkupLine($"  by kind (the last run, busy time over every lane): {string.Join(", ", kinds.Select(k => $"{k.Kind} {k.Tasks} tasks {k.BusySeconds:F3} s"))}");

            if (lu)
            {
                AnsiConsole.MarkupLine($"growth factor max|U|/max|A|: {ourGrowth:F2}{(theirGrowth is double g ? $" (OpenBLAS {g:F2})" : "")}");
            }

            AnsiConsole.MarkupLine($"check: backward error {ourError:E2} (bound {bound:E2}) {(verified ? "verified" : "[red]FAILED[/]")}");
        }

        return verified ? 0 : 1;
    }

    /// <summary><c>factor qr</c>: the engine's tile QR beside <c>?geqrf</c> on the same matrix, interleaved; ours verified
    /// by ‖A − Q·R‖_F/‖A‖_F and ‖QᵀQ − I‖_F (Q formed from the reflectors, products in f64), OpenBLAS's by its |R|
    /// diagonal against ours (R is unique up to the signs of its rows).</summary>
    private static int RunQr<T>(ComputeEngine engine, Settings s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = s.N;
        HostMatrix<T> a = RandomMatrices.Create<T>(n, n, 17), transposed = Transposed(a);
        SystemBlas? blas = SystemBlas.TryLoad(s.CoreType, out string whyNot);
        if (blas is { HasGeqrf: false })
        {
            whyNot = $"{blas.Name} has no geqrf";
            blas = null;
        }

        blas?.SetThreads(s.Threads);
        HostMatrix<T> mine = new(n, n), reference = new(n, n);
        T[] tau = new T[n], theirTau = new T[n];
        var warm = RandomMatrices.Create<T>(640, 640, 3);
        var warmWork = new HostMatrix<T>(640, 640);
        var clock = Stopwatch.StartNew();
        for (int run = 0; run < 20 || clock.Elapsed.TotalSeconds < 1; run++)
        {
            warm.Data.CopyTo(warmWork.Data, 0);
            engine.Qr(warmWork, new T[640]);
        }

        var ours = new List<double>();
        var theirs = new List<double>();
        OperationReport? report = null;
        for (int run = 0; run <= s.Repeat; run++)
        {
            a.Data.CopyTo(mine.Data, 0);
            long start = Stopwatch.GetTimestamp();
            report = engine.Qr(mine, tau);
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (run > 0)
            {
                ours.Add(seconds);
            }

            if (blas is not null)
            {
                transposed.Data.CopyTo(reference.Data, 0);
                start = Stopwatch.GetTimestamp();
                int info = blas.GeqrfTransposed(reference, theirTau);
                seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
                if (info != 0)
                {
                    throw new InvalidOperationException($"geqrf returned info = {info}.");
                }

                if (run > 0)
                {
                    theirs.Add(seconds);
                }
            }
        }

        // Verification in double: A − Q·R and QᵀQ − I, Q and R from the engine's reflectors.
        var (r, q) = engine.QrExplicit(a);
        var qd = ToDouble(q);
        var rd = ToDouble(r);
        var product = new HostMatrix<double>(n, n);
        engine.Gemm(1.0, qd, Transpose.None, rd, Transpose.None, 0.0, product);
        var gram = new HostMatrix<double>(n, n);
        engine.Gemm(1.0, qd, Transpose.Transposed, qd, Transpose.None, 0.0, gram);
        double diff = 0, norm = 0, orthogonality = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double exact = double.CreateTruncating(a[i, j]), d = exact - product[i, j], g = gram[i, j] - (i == j ? 1 : 0);
                diff += d * d;
                norm += exact * exact;
                orthogonality += g * g;
            }
        }

        double backward = Math.Sqrt(diff / norm), orthogonal = Math.Sqrt(orthogonality) / Math.Sqrt(n);
        double unit = typeof(T) == typeof(float) ? Math.ScaleB(1, -24) : Math.ScaleB(1, -53), bound = 8 * n * unit;
        double? diagonal = null;
        if (blas is not null)
        {
            double worst = 0;
            for (int i = 0; i < n; i++)
            {
                double ours_ = Math.Abs(double.CreateTruncating(mine[i, i])), theirs_ = Math.Abs(double.CreateTruncating(reference[i, i]));
                worst = Math.Max(worst, Math.Abs(ours_ - theirs_) / Math.Max(theirs_, double.Epsilon));
            }

            diagonal = worst;
        }

        bool verified = backward <= bound && orthogonal <= bound;
        double oursMedian = Median(ours), flops = 4.0 * n * n * n / 3;
        double? theirsMedian = blas is null ? null : Median(theirs);
        string precision = typeof(T) == typeof(float) ? "f32" : "f64";
        Picture(s, report!, precision);
        if (s.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                kind = "qr", n, precision, threads = s.Threads, tile = engine.FactorTile, repeat = s.Repeat,
                seconds = oursMedian, gflops = flops / oursMedian / 1e9, backward_error = backward, orthogonality = orthogonal, bound, verified,
                openblas = blas?.Name ?? whyNot, openblas_seconds = theirsMedian, openblas_gflops = theirsMedian is double t ? flops / t / 1e9 : (double?)null,
                r_diagonal_difference = diagonal, ratio_to_openblas = theirsMedian / oursMedian, run_seconds = ours, openblas_run_seconds = theirs,
                tasks = report!.Trace.Count, task_kinds = TaskKinds(report).Select(k => new { kind = k.Kind, tasks = k.Tasks, busy_seconds = k.BusySeconds }),
            }));
        }
        else
        {
            AnsiConsole.MarkupLine($"QR n={n} {precision}, {s.Threads} threads, tiles of {engine.FactorTile}: {report!.Trace.Count} tasks");
            var table = new Table().AddColumns("library", "median s", "GFLOP/s (4n³/3)", "vs OpenBLAS");
            table.AddRow("GpuCompute", F(oursMedian, "F4"), F(flops / oursMedian / 1e9, "F1"), theirsMedian is double tm ? $"{tm / oursMedian:F2}x" : "-");
            if (blas is not null)
            {
                table.AddRow(Markup.Escape(blas.Name), F(theirsMedian!.Value, "F4"), F(flops / theirsMedian.Value / 1e9, "F1"), "1.00x");
            }

            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine(blas is null ? $"OpenBLAS: {Markup.Escape(whyNot)}" : $"|R| diagonal against OpenBLAS's: max relative difference {diagonal:E2}");
            AnsiConsole.MarkupLine($"  by kind (the last run, busy time over every lane): {string.Join(", ", TaskKinds(report).Select(k => $"{k.Kind} {k.Tasks} tasks {k.BusySeconds:F3} s"))}");
            AnsiConsole.MarkupLine($"check: ‖A − QR‖/‖A‖ {backward:E2}, ‖QᵀQ − I‖/√n {orthogonal:E2} (bound {bound:E2}) {(verified ? "verified" : "[red]FAILED[/]")}");
        }

        return verified ? 0 : 1;
    }

    private static HostMatrix<double> ToDouble<T>(HostMatrix<T> m)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var d = new HostMatrix<double>(m.Rows, m.Cols);
        for (int i = 0; i < m.Rows; i++)
        {
            for (int j = 0; j < m.Cols; j++)
            {
                d[i, j] = double.CreateTruncating(m[i, j]);
            }
        }

        return d;
    }

    /// <summary>Factors small matrices until the JIT has compiled the tile kernels at full optimization (the first
    /// calls run unoptimized code: three runs at 2048 took 4× the steady time here), so the timed runs measure the
    /// kernels, not the JIT.</summary>
    private static void WarmUp<T>(ComputeEngine engine, SystemBlas? blas, bool lu)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        HostMatrix<T> a = lu ? RandomMatrices.Create<T>(640, 640, 3) : Spd<T>(engine, 640), work = new(640, 640);
        int[] pivots = new int[640];
        var clock = Stopwatch.StartNew();
        for (int run = 0; run < 40 || clock.Elapsed.TotalSeconds < 1; run++)
        {
            a.Data.CopyTo(work.Data, 0);
            _ = lu ? engine.Lu(work, pivots) : engine.Cholesky(work);
            if (run < 2 && blas is not null)
            {
                a.Data.CopyTo(work.Data, 0);
                _ = lu ? blas.GetrfTransposed(work, pivots) : blas.Potrf(work);
            }
        }
    }

    private static HostMatrix<T> Transposed<T>(HostMatrix<T> a)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var t = new HostMatrix<T>(a.Cols, a.Rows);
        for (int i = 0; i < a.Rows; i++)
        {
            for (int j = 0; j < a.Cols; j++)
            {
                t[j, i] = a[i, j];
            }
        }

        return t;
    }

    /// <summary>max|U| / max|A|: how much partial pivoting let the elements grow.</summary>
    private static double Growth<T>(HostMatrix<T> a, HostMatrix<T> factor)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double largestA = 0, largestU = 0;
        for (int i = 0; i < a.Rows; i++)
        {
            for (int j = 0; j < a.Cols; j++)
            {
                largestA = Math.Max(largestA, Math.Abs(double.CreateTruncating(a[i, j])));
                if (j >= i)
                {
                    largestU = Math.Max(largestU, Math.Abs(double.CreateTruncating(factor[i, j])));
                }
            }
        }

        return largestA == 0 ? 0 : largestU / largestA;
    }

    /// <summary>‖P·A − L·U‖_F/‖A‖_F in double, L·U by the engine's f64 GEMM; pivots from 0, or from 1 as LAPACK's.</summary>
    private static double LuError<T>(ComputeEngine engine, HostMatrix<T> a, HostMatrix<T> factor, int[] pivots, bool oneBased)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = a.Rows;
        var l = new HostMatrix<double>(n, n);
        var u = new HostMatrix<double>(n, n);
        var pa = new HostMatrix<double>(n, n);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double f = double.CreateTruncating(factor[i, j]);
                if (j < i)
                {
                    l[i, j] = f;
                }
                else
                {
                    u[i, j] = f;
                }

                pa[i, j] = double.CreateTruncating(a[i, j]);
            }

            l[i, i] = 1;
        }

        for (int i = 0; i < n; i++)
        {
            int other = pivots[i] - (oneBased ? 1 : 0);
            if (other != i)
            {
                var x = pa.Row(i);
                var y = pa.Row(other);
                for (int j = 0; j < n; j++)
                {
                    (x[j], y[j]) = (y[j], x[j]);
                }
            }
        }

        var product = new HostMatrix<double>(n, n);
        engine.Gemm(1.0, l, Transpose.None, u, Transpose.None, 0.0, product);
        double diff = 0, norm = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double d = pa[i, j] - product[i, j];
                diff += d * d;
                norm += pa[i, j] * pa[i, j];
            }
        }

        return Math.Sqrt(diff / norm);
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
