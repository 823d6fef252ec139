using System.CommandLine;
using BenchmarkDotNet.Running;

namespace GpuCompute.Bench.Commands;

/// <summary><c>benchmarks [BenchmarkDotNet arguments]</c>: runs the BenchmarkDotNet suites (e.g. <c>--filter '*Gemm*'</c>).</summary>
internal static class BenchmarksCommand
{
    public static Command Create()
    {
        var command = new Command("benchmarks", "Run the BenchmarkDotNet suites; further arguments go to BenchmarkDotNet (e.g. --filter '*Engine*').")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.SetAction(parse =>
        {
            BenchmarkSwitcher.FromAssembly(typeof(BenchmarksCommand).Assembly).Run([.. parse.UnmatchedTokens]);
            return 0;
        });
        return command;
    }
}
