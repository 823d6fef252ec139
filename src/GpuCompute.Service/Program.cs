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
        if (args is ["keys", ..])
        {
            var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args[1..], ServiceApp.Switches).Build();
            string data = configuration[$"{ServiceOptions.Section}:DataDirectory"] ?? new ServiceOptions().DataDirectory;
            string[] rest = [.. args[1..].Where((a, i) => a != "--data" && (i == 0 || args[i] != "--data"))];
            return KeyCommand.Run(rest, data, Console.Out, Console.Error);
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
