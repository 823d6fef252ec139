using System.CommandLine;
using GpuCompute.Bench.Commands;

namespace GpuCompute.Bench;

/// <summary>The bench CLI: <c>devices</c>, <c>gemm</c>, <c>op</c>, <c>simulate</c>, <c>calibrate</c>, <c>compare</c>, <c>verify</c>, <c>kernels</c>, <c>benchmarks</c>.</summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("GpuCompute bench: multi-device GEMM with verification and throughput reports.")
        {
            DevicesCommand.Create(),
            GemmCommand.Create(),
            OpCommand.Create(),
            SimulateCommand.Create(),
            CalibrateCommand.Create(),
            CompareCommand.Create(),
            VerifyCommand.Create(),
            KernelsCommand.Create(),
            BenchmarksCommand.Create(),
        };

        if (Console.IsOutputRedirected)
        {
            // Spectre.Console assumes 80 columns when it cannot see a terminal; logs read better unwrapped.
            Spectre.Console.AnsiConsole.Profile.Width = 160;
        }

        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            Console.Error.WriteLine($"error: {parse.Errors[0].Message} (see --help)");
            return 2;
        }

        try
        {
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is UsageException or ArgumentException or InvalidOperationException or NotSupportedException)
        {
            // Bad arguments and missing devices are the user's to fix: one line, no stack trace.
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
    }
}
