using System.CommandLine;
using System.Text.RegularExpressions;
using GpuCompute.Bench.Commands;
using GpuCompute.Backends;

namespace GpuCompute.Bench;

/// <summary>The bench CLI: <c>devices</c>, <c>gemm</c>, <c>op</c>, <c>simulate</c>, <c>calibrate</c>, <c>compare</c>, <c>verify</c>, <c>kernels</c>, <c>benchmarks</c>.</summary>
/// <remarks>
/// Exit codes: 0 success; 1 a result that did not verify, or a computation that could not finish (every device
/// failed, out of memory); 2 bad arguments or an environment that cannot run the command (a missing device, an
/// unwritable path). Every failure is one line on standard error starting with <c>error:</c>, never a stack trace.
/// </remarks>
internal static partial class Program
{
    public static int Main(string[] args)
    {
        RootCommand root = CreateRoot();
        if (Console.IsOutputRedirected)
        {
            // Spectre.Console assumes 80 columns when it cannot see a terminal; logs read better unwrapped.
            Spectre.Console.AnsiConsole.Profile.Width = 160;
        }

        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            Console.Error.WriteLine($"error: {DescribeParseErrors(root, args, parse)} (see --help)");
            return 2;
        }

        try
        {
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            // Whatever went wrong, the user gets one line: what failed and why, and an exit code that says whose it is.
            Console.Error.WriteLine($"error: {OneLine(e)}");
            return IsUsers(e) ? 2 : 1;
        }
    }

    internal static RootCommand CreateRoot() => new("GpuCompute bench: multi-device GEMM with verification and throughput reports.")
    {
        DevicesCommand.Create(),
        GemmCommand.Create(),
        OpCommand.Create(),
        SimulateCommand.Create(),
        CalibrateCommand.Create(),
        CompareCommand.Create(),
        VerifyCommand.Create(),
        KernelsCommand.Create(),
        MlpCommand.Create(),
        MathNetCommand.Create(),
        FactorCommand.Create(),
        ClusterCommand.Create(),
        ClusterTransportCommand.Create(),
        NodeCommand.Create(),
        BenchmarksCommand.Create(),
    };

    /// <summary>Bad arguments, missing devices and paths that cannot be used are the user's to fix (exit 2); device
    /// failures and exhausted memory are the run's (exit 1).</summary>
    private static bool IsUsers(Exception e) =>
        e is UsageException or ArgumentException or NotSupportedException or IOException or UnauthorizedAccessException
        || (e is InvalidOperationException && e is not (GemmFailedException or DeviceFailedException));

    /// <summary>The exception's message on one line, without .NET's "(Parameter 'x')" suffix; inner exceptions of a
    /// wrapper whose own message says nothing are used instead.</summary>
    internal static string OneLine(Exception e)
    {
        if (e is AggregateException { InnerExceptions.Count: 1 } aggregate)
        {
            e = aggregate.InnerExceptions[0];
        }

        string message = e.Message;
        if (e is ArgumentException { ParamName: string name })
        {
            message = message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal);
        }

        message = message.ReplaceLineEndings(" ").Trim();
        return e is OutOfMemoryException ? $"out of memory: {message}" : message;
    }

    /// <summary>
    /// The most useful of System.CommandLine's parse errors, in our words: an unknown command is named with the list
    /// of commands (rather than "Required command was not provided"), and .NET type names become plain English.
    /// </summary>
    private static string DescribeParseErrors(RootCommand root, string[] args, ParseResult parse)
    {
        string[] commands = root.Subcommands.Select(c => c.Name).ToArray();
        if (args.Length > 0 && !args[0].StartsWith('-') && !commands.Contains(args[0]))
        {
            return $"unknown command '{args[0]}'; the commands are {string.Join(", ", commands)}";
        }

        if (args.Length == 0)
        {
            return $"no command given; the commands are {string.Join(", ", commands)}";
        }

        string message = parse.Errors
            .Select(e => e.Message)
            .OrderBy(m => m.StartsWith("Required command", StringComparison.Ordinal) ? 1 : 0)
            .First();
        return ExpectedType().Replace(message, m => $"as {FriendlyType(m.Groups[1].Value)}").ReplaceLineEndings(" ").TrimEnd('.');
    }

    private static string FriendlyType(string typeName) => typeName switch
    {
        _ when typeName.Contains("Int32", StringComparison.Ordinal) => "a whole number (up to 2147483647)",
        _ when typeName.Contains("Int64", StringComparison.Ordinal) => "a whole number",
        _ when typeName.Contains("Double", StringComparison.Ordinal) => "a number",
        _ when typeName.Contains("Boolean", StringComparison.Ordinal) => "true or false",
        _ when typeName.Contains("FileInfo", StringComparison.Ordinal) => "a file path",
        _ when typeName.Contains("DirectoryInfo", StringComparison.Ordinal) => "a folder path",
        _ => "the expected kind of value",
    };

    [GeneratedRegex("as expected type '([^']+)'")]
    private static partial Regex ExpectedType();
}
