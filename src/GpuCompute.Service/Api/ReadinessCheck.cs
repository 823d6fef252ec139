using GpuCompute.Service.Jobs;
using GpuCompute.Service.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace GpuCompute.Service.Api;

/// <summary>Ready when the database answers, stored jobs have been re-queued, and the engine has a device.</summary>
public sealed class ReadinessCheck(ServiceDatabase database, JobRunner runner, ComputeEngine engine) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var connection = database.Open();
            using var command = ServiceDatabase.Command(connection, "SELECT 1");
            command.ExecuteScalar();
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"The database {database.FilePath} does not answer: {e.Message}"));
        }

        return Task.FromResult(
            !runner.IsReady ? HealthCheckResult.Unhealthy("Stored jobs are still being re-queued.")
            : engine.Devices.Count == 0 ? HealthCheckResult.Unhealthy("The engine has no device.")
            : HealthCheckResult.Healthy($"{engine.Devices.Count} device(s), {runner.Depth} job(s) queued or running."));
    }
}
