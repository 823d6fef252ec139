using System.CommandLine;
using System.Numerics;
using GpuCompute.Backends;
using GpuCompute.Matrices;
using GpuCompute.Verification;
using Spectre.Console;

namespace GpuCompute.Bench.Commands;

/// <summary>
/// <c>verify</c>: a GEMM correctness sweep on each selected device against the double-precision reference (shapes
/// around tile edges, all four transposes, α/β with NaN in C at β = 0, strided views, f32 and f64), then the same
/// sweep split across all of them. Runs wherever the bench runs, e.g. on a GPU machine without .NET installed.
/// </summary>
internal static class VerifyCommand
{
    private static readonly Option<string?> DeviceListOption = new("--devices") { Description = "Devices to verify (default: GPUCOMPUTE_DEVICES, else every CPU and GPU device)." };
    private static readonly Option<int> MaxSizeOption = new("--max-size") { Description = "Largest m, n or k in the sweep (the emulator wants ≤ 43).", DefaultValueFactory = _ => 300 };

    private static readonly (int M, int N, int K)[] Shapes =
    [
        (1, 1, 1), (1, 9, 1), (9, 1, 1), (2, 3, 5), (17, 31, 13), (31, 17, 29), (33, 32, 31), (63, 64, 65),
        (97, 129, 127), (128, 128, 128), (131, 67, 257), (255, 257, 130), (300, 200, 100),
    ];

    private static readonly (double Alpha, double Beta)[] Scalars = [(1.5, 0), (-0.5, 2)];

    public static Command Create()
    {
        var command = new Command("verify", "Check GEMM on each device against a double-precision reference; exit 1 on any mismatch.")
        {
            DeviceListOption, MaxSizeOption,
        };
        command.SetAction(parse =>
        {
            int maxSize = parse.GetValue(MaxSizeOption);
            // The reference is a triple loop: above a few hundred the sweep takes minutes and checks nothing new.
            const int Largest = 1024;
            if (maxSize is < 1 or > Largest)
            {
                throw new UsageException($"--max-size must be between 1 and {Largest}; got {maxSize}.");
            }

            string[] ids;
            using (var all = new ComputeEngine(new ComputeEngineOptions { Devices = parse.GetValue(DeviceListOption), PersistModels = false }))
            {
                ids = all.Devices.Select(d => d.Id).ToArray();
            }

            var table = new Table().AddColumns("devices", "cases", "failed", "first failure");
            int failures = 0;
            foreach (string devices in ids.Length > 1 ? [.. ids, string.Join(",", ids)] : ids)
            {
                using var engine = new ComputeEngine(new ComputeEngineOptions { Devices = devices, PersistModels = false });
                (int cases, List<string> failed) = Sweep(engine, maxSize);
                failures += failed.Count;
                table.AddRow(Markup.Escape(devices), cases.ToString(System.Globalization.CultureInfo.InvariantCulture), failed.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(failed.FirstOrDefault() ?? "-"));
            }

            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine(failures == 0 ? "[green]all cases verified[/]" : $"[red]{failures} case(s) failed[/]");
            return failures == 0 ? 0 : 1;
        });
        return command;
    }

    private static (int Cases, List<string> Failed) Sweep(ComputeEngine engine, int maxSize)
    {
        var failed = new List<string>();
        int cases = 0;
        foreach ((int m, int n, int k) in Shapes.Where(s => Math.Max(s.M, Math.Max(s.N, s.K)) <= maxSize))
        {
            foreach (Transpose opA in Enum.GetValues<Transpose>())
            {
                foreach (Transpose opB in Enum.GetValues<Transpose>())
                {
                    foreach ((double alpha, double beta) in Scalars)
                    {
                        cases += 2;
                        Check<float>(engine, m, n, k, opA, opB, alpha, beta, failed);
                        Check<double>(engine, m, n, k, opA, opB, alpha, beta, failed);
                    }
                }
            }
        }

        return (cases, failed);
    }

    private static void Check<T>(ComputeEngine engine, int m, int n, int k, Transpose opA, Transpose opB, double alpha, double beta, List<string> failed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int seed = (m * 31) + (n * 17) + k;
        HostMatrix<T> a = Strided<T>(opA == Transpose.None ? m : k, opA == Transpose.None ? k : m, seed);
        HostMatrix<T> b = Strided<T>(opB == Transpose.None ? k : n, opB == Transpose.None ? n : k, seed + 1);
        HostMatrix<T> c = Strided<T>(m, n, seed + 2);
        if (beta == 0)
        {
            c.Fill(T.NaN); // β = 0 must not read C
        }

        T al = T.CreateTruncating(alpha), be = T.CreateTruncating(beta);
        ReferenceGemm.Expected expected = ReferenceGemm.Compute(al, a, opA, b, opB, be, c);
        try
        {
            engine.Gemm(al, a, opA, b, opB, be, c);
            if (expected.FirstMismatch(c) is string mismatch)
            {
                failed.Add($"{typeof(T).Name} {m}x{n}x{k} {opA}/{opB} α={alpha} β={beta}: {mismatch}");
            }
        }
        catch (Exception e) when (e is DeviceFailedException or GemmFailedException)
        {
            failed.Add($"{typeof(T).Name} {m}x{n}x{k} {opA}/{opB}: {e.Message}");
        }
    }

    /// <summary>A rows × cols view with a padded leading dimension inside a NaN-filled array, so stray reads show.</summary>
    private static HostMatrix<T> Strided<T>(int rows, int cols, int seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int padding = 3;
        var random = new Random(seed);
        var data = new T[padding + (rows * (cols + padding)) + padding];
        Array.Fill(data, T.NaN);
        var matrix = new HostMatrix<T>(data, rows, cols, cols + padding, padding);
        for (int i = 0; i < rows; i++)
        {
            Span<T> row = matrix.Row(i);
            for (int j = 0; j < cols; j++)
            {
                row[j] = T.CreateTruncating((random.NextDouble() * 2) - 1);
            }
        }

        return matrix;
    }
}
