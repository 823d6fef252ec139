using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using GpuCompute.MathNetProvider;
using MathNet.Numerics;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Providers.LinearAlgebra;
using Spectre.Console;

namespace GpuCompute.Bench.Commands;

/// <summary>
/// <c>mathnet</c>: MathNet.Numerics <c>Matrix&lt;T&gt;</c> operations (a·b, aᵀ·b, a·x, LU solve, Cholesky solve) timed
/// with MathNet's managed provider, the GpuCompute provider and, when it loads, MathNet's own OpenBLAS provider,
/// interleaved run by run; every result is compared with the managed provider's.
/// </summary>
internal static class MathNetCommand
{
    private static readonly Option<string> SizesOption = new("--sizes") { Description = "Comma-separated n of the n x n matrices (default 500,1000,2000).", DefaultValueFactory = _ => "500,1000,2000" };
    private static readonly Option<string> PrecisionOption = new("--precision") { Description = "f64, f32 or both.", DefaultValueFactory = _ => "both" };
    private static readonly Option<int> RepeatOption = new("--repeat") { Description = "Timed runs of each provider, interleaved, after one warm-up each.", DefaultValueFactory = _ => 3 };
    private static readonly Option<string?> DeviceListOption = new("--devices") { Description = "The GpuCompute provider's devices (default: GPUCOMPUTE_DEVICES, else every CPU and GPU device)." };
    private static readonly Option<bool> JsonOption = new("--json") { Description = "Print exactly one JSON object." };

    private static readonly string[] Operations = ["a*b", "a'*b", "a*x", "lu solve", "cholesky solve"];

    public static Command Create()
    {
        var command = new Command("mathnet", "Time MathNet matrix operations with the managed provider, the GpuCompute provider and MathNet's OpenBLAS provider.")
        {
            SizesOption, PrecisionOption, RepeatOption, DeviceListOption, JsonOption,
        };
        command.SetAction(parse =>
        {
            int[] sizes = ParseSizes(parse.GetValue(SizesOption)!);
            string precision = parse.GetValue(PrecisionOption)!.ToLowerInvariant();
            if (precision is not ("f64" or "f32" or "both"))
            {
                throw new UsageException($"--precision must be f64, f32 or both; got '{precision}'.");
            }

            return Run(sizes, precision, Shape.Repeat(parse.GetValue(RepeatOption)), parse.GetValue(DeviceListOption), parse.GetValue(JsonOption));
        });
        return command;
    }

    private static int[] ParseSizes(string text)
    {
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        var sizes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] is < 1 or > 16384)
            {
                throw new UsageException($"--sizes takes sizes from 1 to 16384 separated by commas, e.g. 500,1000; got '{text}'.");
            }
        }

        return sizes;
    }

    private static int Run(int[] sizes, string precision, int repeat, string? devices, bool json)
    {
        using var ours = new GpuComputeLinearAlgebraProvider(new ComputeEngineOptions { Devices = devices });
        (ILinearAlgebraProvider? openBlas, string whyNot) = LoadOpenBlas();
        var providers = new List<(string Name, ILinearAlgebraProvider Provider)> { ("managed", ManagedLinearAlgebraProvider.Instance), ("gpucompute", ours) };
        if (openBlas is not null)
        {
            providers.Add(("openblas", openBlas));
        }

        var rows = new List<Row>();
        try
        {
            foreach (int n in sizes)
            {
                if (precision is "f64" or "both")
                {
                    rows.AddRange(Measure<double>(n, providers, repeat));
                }

                if (precision is "f32" or "both")
                {
                    rows.AddRange(Measure<float>(n, providers, repeat));
                }
            }
        }
        finally
        {
            Control.UseManaged();
        }

        bool verified = rows.All(r => r.Verified);
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                providers = providers.Select(p => p.Name).ToArray(),
                openblas = openBlas is null ? whyNot : "loaded",
                repeat,
                verified,
                results = rows.Select(r => new { n = r.N, precision = r.Precision, op = r.Op, seconds = r.Seconds, speedup_over_managed = r.Seconds["managed"] / r.Seconds["gpucompute"], rel_error = r.RelativeError }).ToArray(),
            }));
        }
        else
        {
            AnsiConsole.MarkupLine($"[bold]MathNet providers[/]  medians of {repeat}, interleaved; GpuCompute on {string.Join(", ", ours.Engine.Devices.Select(d => d.Id))}");
            AnsiConsole.MarkupLine(Markup.Escape(openBlas is null ? $"MathNet's OpenBLAS provider: not loaded ({whyNot})" : "MathNet's OpenBLAS provider: loaded"));
            var table = new Table().AddColumns(["n", "precision", "operation", .. providers.Select(p => $"{p.Name} s"), "gpucompute vs managed", "max rel. error"]);
            foreach (Row r in rows)
            {
                table.AddRow([
                    r.N.ToString(CultureInfo.InvariantCulture), r.Precision, Markup.Escape(r.Op),
                    .. providers.Select(p => r.Seconds[p.Name].ToString("F4", CultureInfo.InvariantCulture)),
                    (r.Seconds["managed"] / r.Seconds["gpucompute"]).ToString("F1", CultureInfo.InvariantCulture) + "x",
                    r.RelativeError.ToString("E1", CultureInfo.InvariantCulture)]);
            }

            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine(verified ? "[green]every result within tolerance of the managed provider's[/]" : "[red]a result differs from the managed provider's[/]");
        }

        return verified ? 0 : 1;
    }

    private static IEnumerable<Row> Measure<T>(int n, List<(string Name, ILinearAlgebraProvider Provider)> providers, int repeat)
        where T : struct, IEquatable<T>, IFormattable
    {
        Matrix<T> a = Matrix<T>.Build.Random(n, n, 11), b = Matrix<T>.Build.Random(n, n, 12);
        Matrix<T> spd = a.TransposeThisAndMultiply(a) + (Matrix<T>.Build.DenseIdentity(n) * (T)Convert.ChangeType(n, typeof(T), CultureInfo.InvariantCulture));
        Vector<T> x = Vector<T>.Build.Random(n, 13);
        string precision = typeof(T) == typeof(double) ? "f64" : "f32";
        foreach (string op in Operations)
        {
            Func<object> run = op switch
            {
                "a*b" => () => a * b,
                "a'*b" => () => a.TransposeThisAndMultiply(b),
                "a*x" => () => a * x,
                "lu solve" => () => a.LU().Solve(b),
                _ => () => spd.Cholesky().Solve(b),
            };
            var seconds = providers.ToDictionary(p => p.Name, _ => new List<double>());
            var results = new Dictionary<string, object>();
            foreach ((string name, ILinearAlgebraProvider provider) in providers)
            {
                LinearAlgebraControl.Provider = provider;
                results[name] = run(); // warm-up, and the result to compare
            }

            for (int r = 0; r < repeat; r++)
            {
                foreach ((string name, ILinearAlgebraProvider provider) in providers)
                {
                    LinearAlgebraControl.Provider = provider;
                    long start = Stopwatch.GetTimestamp();
                    _ = run();
                    seconds[name].Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
                }
            }

            double error = providers.Max(p => RelativeDifference(results[p.Name], results["managed"]));
            double tolerance = (typeof(T) == typeof(double) ? 1e-10 : 1e-3) * Math.Sqrt(n);
            yield return new Row(n, precision, op, seconds.ToDictionary(s => s.Key, s => s.Value.Order().ElementAt(s.Value.Count / 2)), error, error <= tolerance);
        }
    }

    private static double RelativeDifference(object x, object y) => (x, y) switch
    {
        (Matrix<double> p, Matrix<double> q) => (p - q).FrobeniusNorm() / Math.Max(q.FrobeniusNorm(), double.Epsilon),
        (Matrix<float> p, Matrix<float> q) => (p - q).FrobeniusNorm() / Math.Max(q.FrobeniusNorm(), double.Epsilon),
        (Vector<double> p, Vector<double> q) => (p - q).L2Norm() / Math.Max(q.L2Norm(), double.Epsilon),
        (Vector<float> p, Vector<float> q) => (p - q).L2Norm() / Math.Max(q.L2Norm(), double.Epsilon),
        _ => double.NaN,
    };

    /// <summary>MathNet's OpenBLAS provider, if it loads here: it P/Invokes a native wrapper library of its own.</summary>
    private static (ILinearAlgebraProvider? Provider, string WhyNot) LoadOpenBlas()
    {
        try
        {
            Control.UseNativeOpenBLAS();
            ILinearAlgebraProvider provider = LinearAlgebraControl.Provider;
            Control.UseManaged();
            return (provider, string.Empty);
        }
        catch (Exception e)
        {
            Control.UseManaged();
            return (null, Program.OneLine(e));
        }
    }

    private sealed record Row(int N, string Precision, string Op, Dictionary<string, double> Seconds, double RelativeError, bool Verified);
}
