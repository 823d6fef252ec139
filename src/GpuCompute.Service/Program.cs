using GpuCompute.Service;
using GpuCompute.Service.Security;
using GpuCompute.Service.Storage;

/// <summary>
/// <c>gpucompute-service [--urls URL] [--data DIR] [--devices LIST] [--threads N]</c> runs the service;
/// <c>gpucompute-service keys create NAME | list | revoke ID [--data DIR]</c> manages API keys.
/// </summary>
public sealed partial class Program
{
    private Program()
    {
    }

    /// <summary>The entry point.</summary>
    public static int Main(string[] args)
    {
        if (args is ["keys", .. var keyArguments])
        {
            // The data directory: --data DIR, else the configured one (GpuCompute__Service__DataDirectory), else the default.
            int at = Array.IndexOf(keyArguments, "--data");
            string data = at >= 0 && at + 1 < keyArguments.Length ? keyArguments[at + 1]
                : new ConfigurationBuilder().AddEnvironmentVariables().Build()[$"{ServiceOptions.Section}:DataDirectory"] ?? new ServiceOptions().DataDirectory;
            string[] command = at >= 0 ? [.. keyArguments[..at], .. keyArguments[Math.Min(keyArguments.Length, at + 2)..]] : keyArguments;
            return KeyCommand.Run(command, data, Console.Out, Console.Error);
        }

        var app = ServiceApp.Build(args);
        var options = app.Services.GetRequiredService<ServiceOptions>();
        var keys = app.Services.GetRequiredService<ApiKeyStore>();
        if (options.CreateFirstKey && !keys.Any())
        {
            var (id, secret) = keys.Create("first");
            Console.WriteLine($"No API keys yet: created {id}. The key, shown only now (more with 'keys create NAME'):");
            Console.WriteLine(secret);
        }

        Console.WriteLine($"data in {Path.GetFullPath(options.DataDirectory)} ({app.Services.GetRequiredService<ServiceDatabase>().FilePath})");
        app.Run();
        return 0;
    }
}
