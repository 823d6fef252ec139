using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using GpuCompute.Bench.Baselines;
using GpuCompute.Matrices;
using MathNet.Numerics;
using MathNet.Numerics.LinearAlgebra;
using Spectre.Console;

namespace GpuCompute.Bench.Commands;

/// <summary>
/// <c>compare</c>: the same C ← α·op(A)·op(B) + β·C (C = A·B by default) through GpuCompute's CPU device, the system
/// BLAS (OpenBLAS through P/Invoke, when installed) and, for the plain product, MathNet's managed provider, interleaved
/// run by run in one process, with GFLOP/s and ratios. When β ≠ 0 every run starts from the same C, reset untimed.
/// </summary>
internal static class CompareCommand
{
    /// <summary>MathNet's managed provider runs ~5 GFLOP/s here: skip it above 2·1024³ flops unless asked.</summary>
    private const double MathNetFlopLimit = 2.0 * 1024 * 1024 * 1024;

    /// <summary>Twice a 32 MiB L3, written line by line to evict A, B and C before each timed run.</summary>
    private static readonly Lazy<byte[]> FlushBuffer = new(() => new byte[64 << 20]);

    private static readonly Option<int?> SizeOption = new("--size") { Description = "M = N = K = S (default 2048)." };
    private static readonly Option<int?> MOption = new("--m") { Description = "Rows of C." };
    private static readonly Option<int?> NOption = new("--n") { Description = "Columns of C." };
    private static readonly Option<int?> KOption = new("--k") { Description = "Inner dimension." };
    private static readonly Option<string> PrecisionOption = new("--precision") { Description = "f32 or f64.", DefaultValueFactory = _ => "f32" };
    private static readonly Option<int> RepeatOption = new("--repeat") { Description = "Timed runs of each library, interleaved, after one warm-up each.", DefaultValueFactory = _ => 5 };
    private static readonly Option<int?> ThreadsOption = new("--threads") { Description = "Threads for every library (default: all cores)." };
    private static readonly Option<string?> CoreTypeOption = new("--openblas-coretype") { Description = "OPENBLAS_CORETYPE to load OpenBLAS with, e.g. SkylakeX (AVX-512) or Haswell (AVX2); default: its own choice." };
    private static readonly Option<bool> MathNetOption = new("--mathnet") { Description = "Run MathNet's managed provider even above 1024³ (slow)." };
    private static readonly Option<bool> JsonOption = new("--json") { Description = "Print exactly one JSON object." };

    public static Command Create()
    {
        var command = new Command("compare", "Compare GpuCompute's CPU GEMM with the system BLAS and MathNet, side by side in one run.")
        {
            SizeOption, MOption, NOption, KOption, PrecisionOption, RepeatOption, ThreadsOption, CoreTypeOption, MathNetOption, JsonOption,
            GemmOperation.TransAOption, GemmOperation.TransBOption, GemmOperation.AlphaOption, GemmOperation.BetaOption,
        };
        command.SetAction(parse =>
        {
            (int m, int n, int k) = Shape.From(parse.GetValue(SizeOption), parse.GetValue(MOption), parse.GetValue(NOption), parse.GetValue(KOption), 2048);
            string precision = Shape.Precision(parse.GetValue(PrecisionOption)!);
            Shape.CheckHostable(m, n, k);
            int repeat = Shape.Repeat(parse.GetValue(RepeatOption));
            int threads = parse.GetValue(ThreadsOption) ?? Environment.ProcessorCount;
            if (threads is < 1 or > 4096)
            {
                throw new UsageException($"--threads must be between 1 and 4096; got {threads}.");
            }

            string? coreType = parse.GetValue(CoreTypeOption);
            if (coreType is not null && (coreType.Length == 0 || !coreType.All(char.IsAsciiLetterOrDigit)))
            {
                throw new UsageException($"--openblas-coretype takes an OpenBLAS core name such as SkylakeX or Haswell; got '{coreType}'.");
            }

            var settings = new Settings(m, n, k, precision, repeat, threads, coreType, parse.GetValue(MathNetOption), parse.GetValue(JsonOption), GemmOperation.From(parse));
            return precision == "f32" ? Run<float>(settings) : Run<double>(settings);
        });
        return command;
    }

    private static int Run<T>(Settings s)
        where T : unmanaged, IFloatingPointIeee754<T>, IEquatable<T>, IFormattable
    {
        SystemBlas? blas = SystemBlas.TryLoad(s.CoreType, out string whyNot);
        blas?.SetThreads(s.Threads);
        GemmOperation op = s.Operation;
        (HostMatrix<T> a, HostMatrix<T> b, HostMatrix<T> c0) = op.Operands<T>(s.M, s.N, s.K, 7);
        HostMatrix<T> ours = new(s.M, s.N), theirs = new(s.M, s.N);
        T alpha = T.CreateTruncating(op.Alpha), beta = T.CreateTruncating(op.Beta);
        using var engine = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu", CpuThreads = s.Threads, PersistModels = false });

        // β ≠ 0 reads C: each library's C is reset to C₀ before every run, outside the timed call.
        Action Reset(HostMatrix<T> c) => () =>
        {
            if (op.Beta != 0)
            {
                c0.Data.AsSpan().CopyTo(c.Data);
            }
        };

        var contenders = new List<Contender> { new("GpuCompute cpu", Reset(ours), () => engine.Gemm(alpha, a, op.OpA, b, op.OpB, beta, ours)) };
        if (blas is not null)
        {
            contenders.Add(new($"system BLAS ({blas.Name})", Reset(theirs), () => Blas(blas, op, a, b, theirs)));
        }

        double flops = 2.0 * s.M * s.N * s.K;
        string? mathNetSkipped = null;
        if (!op.IsPlain)
        {
            mathNetSkipped = "MathNet managed: only for the plain C = A·B";
        }
        else if (s.MathNet || flops <= MathNetFlopLimit)
        {
            Control.UseManaged();
            Control.MaxDegreeOfParallelism = s.Threads;
            Matrix<T> ma = a.ToMathNet(), mb = b.ToMathNet(), mc = Matrix<T>.Build.Dense(s.M, s.N);
            contenders.Add(new("MathNet managed", () => { }, () => ma.Multiply(mb, mc)) { Solo = true });
        }
        else
        {
            mathNetSkipped = "MathNet managed: skipped above 1024³ (about 5 GFLOP/s here); pass --mathnet to run it";
        }

        // GpuCompute and the system BLAS alternate run by run; MathNet, 50x slower, runs its own series afterwards: a
        // quarter-second managed call between the others left the library after it up to 30 % slower (measured at
        // 1024³ f32: GpuCompute 233-265 GFLOP/s after MathNet, 327-337 without it), which no ratio should carry.
        Measure(contenders.Where(c => !c.Solo).ToList(), s.Repeat);
        Measure(contenders.Where(c => c.Solo).ToList(), s.Repeat);

        double? difference = blas is null ? null : RelativeDifference(ours, theirs);
        double? blasSeconds = blas is null ? null : contenders[1].Median;
        if (s.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                m = s.M,
                n = s.N,
                k = s.K,
                precision = s.Precision,
                transa = op.OpA == Transpose.None ? "N" : "T",
                transb = op.OpB == Transpose.None ? "N" : "T",
                alpha = op.Alpha,
                beta = op.Beta,
                threads = s.Threads,
                repeat = s.Repeat,
                openblas_coretype = s.CoreType,
                system_blas = blas?.Name,
                system_blas_missing = blas is null ? whyNot : null,
                relative_difference_to_blas = difference,
                results = contenders.Select(c => new
                {
                    library = c.Name,
                    seconds = c.Median,
                    gflops = flops / c.Median / 1e9,
                    ratio_to_blas = blasSeconds / c.Median,
                    run_seconds = c.Seconds,
                }).ToArray(),
            }));
            return 0;
        }

        AnsiConsole.MarkupLine($"[bold]compare[/] {Markup.Escape(op.Formula)}  m={s.M} n={s.N} k={s.K}  {s.Precision}  {s.Threads} threads  median of {s.Repeat}, interleaved");
        var table = new Table().AddColumns("library", "median s", "GFLOP/s", "vs system BLAS");
        foreach (Contender c in contenders)
        {
            table.AddRow(
                Markup.Escape(c.Name),
                c.Median.ToString("F4", CultureInfo.InvariantCulture),
                (flops / c.Median / 1e9).ToString("F1", CultureInfo.InvariantCulture),
                blasSeconds is double bs ? $"{bs / c.Median:F2}x" : "-");
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(blas is null ? $"system BLAS: [yellow]not found[/] ({Markup.Escape(whyNot)})" : $"GpuCompute vs system BLAS result: relative difference {difference:E2}");
        if (mathNetSkipped is not null)
        {
            AnsiConsole.MarkupLine(Markup.Escape(mathNetSkipped));
        }

        return 0;
    }

    /// <summary>
    /// Puts every timed run in the same cache state: A and B are shared by GpuCompute and OpenBLAS, so whichever ran
    /// second would find them in L3 while MathNet's own copies evict them; every run starts with them flushed. (No pause:
    /// on this VM a core left idle runs the next product slower; a 270 ms sleep between runs cost both libraries a
    /// third of their speed.)
    /// </summary>
    /// <summary>One warm-up each, then <paramref name="repeat"/> rounds in which each contender runs once, in turn.</summary>
    private static void Measure(List<Contender> contenders, int repeat)
    {
        foreach (Contender c in contenders)
        {
            c.Prepare();
            c.Run(); // warm-up: JIT tiering, page faults, thread pools
        }

        for (int r = 0; r < repeat; r++)
        {
            foreach (Contender c in contenders)
            {
                c.Prepare();
                Settle();
                long start = Stopwatch.GetTimestamp();
                c.Run();
                c.Seconds.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
            }
        }
    }

    private static void Settle()
    {
        byte[] flush = FlushBuffer.Value;
        for (int i = 0; i < flush.Length; i += 64)
        {
            flush[i]++;
        }

        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: false);
    }

    private static void Blas<T>(SystemBlas blas, GemmOperation op, HostMatrix<T> a, HostMatrix<T> b, HostMatrix<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            blas.Sgemm((float)op.Alpha, (HostMatrix<float>)(object)a, op.OpA, (HostMatrix<float>)(object)b, op.OpB, (float)op.Beta, (HostMatrix<float>)(object)c);
        }
        else
        {
            blas.Dgemm(op.Alpha, (HostMatrix<double>)(object)a, op.OpA, (HostMatrix<double>)(object)b, op.OpB, op.Beta, (HostMatrix<double>)(object)c);
        }
    }

    private static double RelativeDifference<T>(HostMatrix<T> x, HostMatrix<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double diff = 0, norm = 0;
        for (int i = 0; i < x.Data.Length; i++)
        {
            double d = double.CreateTruncating(x.Data[i]) - double.CreateTruncating(y.Data[i]);
            diff += d * d;
            norm += double.CreateTruncating(y.Data[i]) * double.CreateTruncating(y.Data[i]);
        }

        return norm > 0 ? Math.Sqrt(diff / norm) : Math.Sqrt(diff);
    }

    private sealed record Settings(int M, int N, int K, string Precision, int Repeat, int Threads, string? CoreType, bool MathNet, bool Json, GemmOperation Operation);

    /// <summary>One library in the comparison, what it does untimed before each run, and its timed runs.</summary>
    private sealed class Contender(string name, Action prepare, Action run)
    {
        public string Name { get; } = name;

        public List<double> Seconds { get; } = [];

        /// <summary>True for a contender timed in a series of its own rather than interleaved with the others.</summary>
        public bool Solo { get; init; }

        public double Median => Seconds.Order().ElementAt(Seconds.Count / 2);

        public void Prepare() => prepare();

        public void Run() => run();
    }
}
