using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using GpuCompute.Diagnostics;
using GpuCompute.Service.Api;
using GpuCompute.Service.Jobs;
using GpuCompute.Service.Security;
using GpuCompute.Service.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Scalar.AspNetCore;

namespace GpuCompute.Service;

/// <summary>Builds the service: storage, the engine, the job runner, security and the HTTP API.</summary>
public static class ServiceApp
{
    private const string PerKey = "per-key";

    /// <summary>Command-line switches besides ASP.NET Core's own (<c>--urls</c>).</summary>
    public static readonly Dictionary<string, string> Switches = new(StringComparer.Ordinal)
    {
        ["--data"] = $"{ServiceOptions.Section}:DataDirectory",
        ["--devices"] = $"{ServiceOptions.Section}:Devices",
        ["--threads"] = $"{ServiceOptions.Section}:CpuThreads",
    };

    /// <summary>The service's application, configured from <paramref name="args"/>, the environment and appsettings.</summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration.AddCommandLine(args, Switches);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls("http://127.0.0.1:5080");
        }

        AddServices(builder);
        var app = builder.Build();
        MapEndpoints(app);
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
            if (addresses is { Count: > 0 })
            {
                Console.WriteLine($"gpucompute-service listening on {string.Join(", ", addresses)}");
            }
        });
        return app;
    }

    private static void AddServices(WebApplicationBuilder builder)
    {
        // Everything reads its options when first resolved, so hosts (and tests) may configure until the app is built.
        var services = builder.Services;
        services.AddSingleton(sp => sp.GetRequiredService<IConfiguration>().GetSection(ServiceOptions.Section).Get<ServiceOptions>() ?? new ServiceOptions());
        services.AddSingleton(sp => new ServiceDatabase(sp.GetRequiredService<ServiceOptions>().DataDirectory));
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<JobStore>();
        services.AddSingleton(sp => new OperandStore(sp.GetRequiredService<ServiceDatabase>(), sp.GetRequiredService<ServiceOptions>().DataDirectory));
        services.AddSingleton(sp => new ResultStore(sp.GetRequiredService<ServiceOptions>().DataDirectory));
        services.AddSingleton<JobEvents>();
        services.AddSingleton<JobValidator>();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<ServiceOptions>();
            return new ComputeEngine(new ComputeEngineOptions
            {
                Devices = options.Devices,
                CpuThreads = options.CpuThreads,
                Logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("GpuCompute"),
            });
        });
        services.AddSingleton<JobRunner>();
        services.AddHostedService(sp => sp.GetRequiredService<JobRunner>());

        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddAuthentication(ApiKeyAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null);
        services.AddAuthorization();
        services.AddRateLimiter(limiter =>
        {
            // ASP.NET Core answers 503 by default; a client over its rate is told 429 and when to come back.
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = async (context, cancellation) =>
            {
                var options = context.HttpContext.RequestServices.GetRequiredService<ServiceOptions>();
                double seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan retry) ? Math.Max(1, Math.Ceiling(retry.TotalSeconds)) : 1;
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await Results.Problem(
                    statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
                    detail: $"This key may make {options.RequestsPerSecond} requests a second (bursts of {options.RequestBurst}); retry after {seconds} s.")
                    .ExecuteAsync(context.HttpContext).ConfigureAwait(false);
            };
            limiter.AddPolicy(PerKey, http => RateLimitPartition.GetTokenBucketLimiter(
                http.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "",
                _ => KeyBucket(http.RequestServices.GetRequiredService<ServiceOptions>())));
        });
        services.AddHealthChecks().AddCheck<ReadinessCheck>("ready", tags: ["ready"]);
        services.AddOpenApi();

        var telemetry = services.AddOpenTelemetry()
            .WithMetrics(m => m.AddMeter(GpuComputeTelemetry.Name, ServiceMetrics.MeterName).AddAspNetCoreInstrumentation())
            .WithTracing(t => t.AddSource(GpuComputeTelemetry.Name).AddAspNetCoreInstrumentation());
        if (!string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.UseOtlpExporter(); // Exports only where a collector is configured, by the standard variable.
        }
    }

    /// <summary>Each key's token bucket: <see cref="ServiceOptions.RequestsPerSecond"/> a second on average, bursts
    /// up to <see cref="ServiceOptions.RequestBurst"/>, no queueing (a refused request is answered at once).</summary>
    private static TokenBucketRateLimiterOptions KeyBucket(ServiceOptions options) => new()
    {
        TokenLimit = Math.Max(1, options.RequestBurst),
        TokensPerPeriod = Math.Max(1, options.RequestsPerSecond),
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    private static void MapEndpoints(WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();

        app.MapHealthChecks("/healthz/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/healthz/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference().AllowAnonymous();
        DashboardEndpoints.Map(app);

        var api = app.MapGroup("/v1").RequireAuthorization().RequireRateLimiting(PerKey);
        OperandEndpoints.Map(api);
        JobEndpoints.Map(api);
        RunEndpoints.Map(api);
    }
}
