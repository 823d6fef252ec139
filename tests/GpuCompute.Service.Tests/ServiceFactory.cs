using GpuCompute.Client;
using GpuCompute.Service.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace GpuCompute.Service.Tests;

/// <summary>The service hosted in memory (no sockets) on a fresh data directory and the CPU device, with settings
/// a test may override (e.g. a tiny rate limit).</summary>
public sealed class ServiceFactory(IReadOnlyDictionary<string, string>? settings = null) : WebApplicationFactory<Program>
{
    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), $"gpucompute-service-tests-{Guid.NewGuid():N}");

    /// <summary>A new API key's secret.</summary>
    public string CreateKey(string name = "test") => Services.GetRequiredService<ApiKeyStore>().Create(name).Secret;

    /// <summary>A raw HTTP client (no key).</summary>
    public HttpClient Http() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    /// <summary>An HTTP client that sends <paramref name="key"/>.</summary>
    public HttpClient Http(string key)
    {
        var http = Http();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    /// <summary>A typed client with a new key.</summary>
    public GpuComputeClient Client(string? key = null) => new(Http(), key ?? CreateKey());

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("GpuCompute:Service:DataDirectory", DataDirectory);
        builder.UseSetting("GpuCompute:Service:Devices", "cpu");
        builder.UseSetting("GpuCompute:Service:CreateFirstKey", "false");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting($"GpuCompute:Service:{name}", value);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }
}
