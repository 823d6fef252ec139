using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using GpuCompute.Service.Security;
using GpuCompute.Service.Storage;

namespace GpuCompute.ServiceBench;

/// <summary>The service as a real process on a loopback port (Kestrel, TCP), for benchmarks and tests that need
/// sockets, a hard kill and a restart on the same data directory.</summary>
public sealed class ServiceProcess : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder log = new();

    private ServiceProcess(Process process, Uri address)
    {
        this.process = process;
        Address = address;
    }

    /// <summary>The service's root URL.</summary>
    public Uri Address { get; }

    /// <summary>What the process printed so far (stdout and stderr).</summary>
    public string Log
    {
        get
        {
            lock (log)
            {
                return log.ToString();
            }
        }
    }

    /// <summary>Starts the service on <paramref name="dataDirectory"/> (and <paramref name="port"/>, or a free one)
    /// and waits until it listens; extra arguments configure it (e.g. <c>--GpuCompute:Service:MaxQueuedJobs=4</c>).</summary>
    public static async Task<ServiceProcess> StartAsync(string dataDirectory, int? port = null, IEnumerable<string>? arguments = null, TimeSpan? timeout = null)
    {
        int chosen = port ?? FreePort();
        var address = new Uri($"http://127.0.0.1:{chosen}/");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { Path.Combine(AppContext.BaseDirectory, "GpuCompute.Service.dll"), "--urls", address.ToString().TrimEnd('/'), "--data", dataDirectory, "--GpuCompute:Service:CreateFirstKey=false" }
            .Concat(arguments ?? []))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var service = new ServiceProcess(process, address);
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Line(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (service.log)
            {
                service.log.AppendLine(line);
            }

            if (line.StartsWith("gpucompute-service listening on", StringComparison.Ordinal))
            {
                listening.TrySetResult();
            }
        }

        process.OutputDataReceived += (_, e) => Line(e.Data);
        process.ErrorDataReceived += (_, e) => Line(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(listening.Task, exited, Task.Delay(timeout ?? TimeSpan.FromSeconds(60))).ConfigureAwait(false);
        if (first != listening.Task)
        {
            service.Dispose();
            throw new InvalidOperationException($"The service did not start listening on {address}:\n{service.Log}");
        }

        return service;
    }

    /// <summary>Creates an API key in <paramref name="dataDirectory"/>'s database (as <c>keys create</c> does).</summary>
    public static string CreateKey(string dataDirectory, string name) => new ApiKeyStore(new ServiceDatabase(dataDirectory)).Create(name).Secret;

    /// <summary>Kills the process at once (SIGKILL: no shutdown code runs, as in a crash or power loss).</summary>
    public void Kill()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
    }

    public void Dispose()
    {
        Kill();
        process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
