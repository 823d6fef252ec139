using System.CommandLine;
using System.Diagnostics;
using GpuCompute.Bench;
using NUnit.Framework;

namespace GpuCompute.Tests.Cli;

/// <summary>
/// The bench CLI under bad input: every command's every option given missing, empty, non-numeric, negative, huge,
/// overflowing and unusable values (generated from the command tree itself, so a new option is fuzzed too), and every
/// device failing. Each run must end with a non-zero exit and one line on standard error, never an exception or a stack
/// trace. Most cases call the CLI's entry point in-process; a few run the built CLI as a child process, where an
/// unhandled exception would abort it (exit 134).
/// </summary>
[NonParallelizable] // swaps Console.Out/Error and XDG_CACHE_HOME for the process
public sealed class CliFuzzTests
{
    /// <summary>Arguments that make each command's valid runs tiny, so a fuzzed value that happens to be valid costs milliseconds.</summary>
    private static readonly (string Command, string[] Base)[] Commands =
    [
        ("gemm", ["--size", "8", "--repeat", "1", "--devices", "cpu"]),
        ("op", ["axpy", "--size", "8", "--repeat", "1", "--devices", "cpu"]),
        ("op", ["gemv", "--size", "8", "--repeat", "1", "--devices", "cpu"]),
        ("op", ["batched-gemm", "--size", "4", "--batch", "3", "--repeat", "1", "--devices", "cpu"]),
        ("simulate", ["--devices", "a=100,b=300", "--size", "1024"]),
        ("compare", ["--size", "8", "--repeat", "1"]),
        ("verify", ["--devices", "cpu", "--max-size", "4"]),
        ("calibrate", ["--devices", "cpu"]),
        ("kernels", ["--out", "OUT"]),
        ("mlp", ["--batch", "8", "--width", "8", "--layers", "2", "--repeat", "1", "--devices", "cpu"]),
        ("mathnet", ["--sizes", "8", "--precision", "f64", "--repeat", "1", "--devices", "cpu"]),
    ];

    private string folder = null!;
    private string? savedCache;

    [OneTimeSetUp]
    public void Isolate()
    {
        folder = Directory.CreateTempSubdirectory("gpucompute-cli-").FullName;
        savedCache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        Environment.SetEnvironmentVariable("XDG_CACHE_HOME", folder); // no fuzzed run touches the user's model cache
    }

    [OneTimeTearDown]
    public void Restore()
    {
        Environment.SetEnvironmentVariable("XDG_CACHE_HOME", savedCache);
        Directory.Delete(folder, recursive: true);
    }

    /// <summary>One bad argument list: the command line and whether it must fail (false: it may also be valid).</summary>
    public sealed record Case(string[] Args, bool MustFail)
    {
        public override string ToString() => string.Join(' ', Args.Select(a => a.Length == 0 ? "''" : a));
    }

    public static IEnumerable<Case> BadArguments()
    {
        RootCommand root = Program.CreateRoot();
        yield return new Case([], true);
        yield return new Case(["nosuch"], true);
        yield return new Case(["gemm", "--no-such-option"], true);
        yield return new Case(["op"], true);
        yield return new Case(["op", "nosuch"], true);
        yield return new Case(["op", ""], true);

        foreach ((string name, string[] baseArgs) in Commands)
        {
            Command command = root.Subcommands.Single(c => c.Name == name);
            foreach (Option option in command.Options.Where(o => o.Name.StartsWith("--", StringComparison.Ordinal) && o.Name != "--help"))
            {
                Type type = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
                if (type == typeof(bool))
                {
                    continue;
                }

                // The option last, with no value.
                yield return new Case([name, .. Without(baseArgs, option.Name), option.Name], true);
                foreach ((string value, bool mustFail) in Values(type, option.Name))
                {
                    yield return new Case([name, .. Without(baseArgs, option.Name), option.Name, value], mustFail);
                }
            }
        }

        // Every device failing.
        yield return new Case(["gemm", "--size", "16", "--repeat", "1", "--devices", "cpu", "--inject-fault", "cpu:0"], true);
        yield return new Case(["gemm", "--size", "300", "--repeat", "1", "--devices", "cpu,ilgpu-cpu", "--inject-fault", "cpu:0,ilgpu-cpu:0"], true);
    }

    [TestCaseSource(nameof(BadArguments))]
    public void Main_BadArguments_ExitNonZeroWithOneCleanLine(Case bad)
    {
        string[] args = bad.Args.Select(a => a == "OUT" ? Path.Combine(folder, "kernels") : a).ToArray();
        (int exit, string stderr) = RunInProcess(args);

        Assert.That(exit, Is.AnyOf(0, 1, 2), $"exit code of {bad}");
        if (bad.MustFail)
        {
            Assert.That(exit, Is.Not.Zero, $"{bad} should fail; stderr: {stderr}");
        }

        if (exit != 0)
        {
            AssertOneCleanLine(stderr, bad.ToString());
        }
    }

    /// <summary>The findings that crashed the built CLI with a stack trace and exit 134, run as a real process.</summary>
    [TestCase(2, "gemm", "--size", "64", "--trace", "/nonexistent/dir/t.json")]
    [TestCase(1, "gemm", "--size", "64", "--devices", "cpu", "--inject-fault", "cpu:0")]
    [TestCase(2, "op", "gemv", "--size", "3037000500")]
    [TestCase(2, "nosuch")]
    [TestCase(2, "gemm", "--devices", "")]
    [TestCase(2, "gemm", "--size", "abc")]
    public void BuiltCli_FormerCrashes_ExitCleanly(int expectedExit, params string[] args)
    {
        string cli = Path.Combine(AppContext.BaseDirectory, "GpuCompute.Bench.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(cli);
        args.ToList().ForEach(start.ArgumentList.Add);
        start.Environment["XDG_CACHE_HOME"] = folder;
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        Assert.That(process.WaitForExit(60_000), Is.True, "the CLI finished");
        _ = stdout.Result;

        Assert.That(process.ExitCode, Is.EqualTo(expectedExit), $"exit code; stderr: {stderr}");
        AssertOneCleanLine(stderr, string.Join(' ', args));
        Assert.That(stderr, Does.Not.Contain("System.Nullable").And.Not.Contain("Required command was not provided"));
    }

    private static void AssertOneCleanLine(string stderr, string what)
    {
        string[] lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.That(lines, Has.Length.EqualTo(1), $"{what}: one line on stderr, got:\n{stderr}");
        Assert.That(lines[0], Does.StartWith("error: "), what);
        Assert.That(stderr, Does.Not.Contain("   at ").And.Not.Contain("Exception:"), $"{what}: no stack trace");
    }

    private static (int Exit, string Stderr) RunInProcess(string[] args)
    {
        TextWriter output = Console.Out, error = Console.Error;
        var capturedError = new StringWriter();
        try
        {
            Console.SetOut(TextWriter.Null);
            Console.SetError(capturedError);
            return (Program.Main(args), capturedError.ToString());
        }
        finally
        {
            Console.SetOut(output);
            Console.SetError(error);
        }
    }

    private static string[] Without(string[] args, string option)
    {
        int at = Array.IndexOf(args, option);
        return at < 0 ? args : [.. args[..at], .. args[(at + 2)..]];
    }

    /// <summary>Bad values by the option's type; each says whether it must be rejected.</summary>
    private static IEnumerable<(string Value, bool MustFail)> Values(Type type, string option)
    {
        if (type == typeof(int) || type == typeof(long))
        {
            yield return (string.Empty, true);
            yield return ("abc", true);
            yield return ("1.5", true);
            yield return ("-1", true);
            yield return ("99999999999999999999", true); // overflows even a long
            yield return (type == typeof(int) ? "2147483648" : "9223372036854775808", true); // one past the type's range
            yield return ("2147483647", true); // huge: more elements than a host array holds, or runs for hours
            yield return ("0", option != "--size"); // op --size 0 is a valid empty vector
        }
        else if (type == typeof(string))
        {
            yield return (string.Empty, true);
            yield return ("@@bad", true);
            yield return ("cpu:", true);
        }
        else if (type == typeof(FileInfo))
        {
            yield return ("/nonexistent/dir/file.json", true);
            yield return ("/proc/version/x", true);
        }
        else if (type == typeof(DirectoryInfo))
        {
            yield return ("/proc/version/x", true);
            yield return (string.Empty, true);
        }
    }
}
