using System.Globalization;
using System.Text.Json;
using GpuCompute.Client;
using Microsoft.Data.Sqlite;

namespace GpuCompute.Service.Storage;

/// <summary>The jobs table: every state change of a job is one committed (durable) statement.</summary>
public sealed class JobStore(ServiceDatabase database)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private const string Columns = "id, key_id, request, operation, precision, flops, state, created, started, finished, attempts, progress, error, result, report";

    /// <summary>What a new job needs stored.</summary>
    public sealed record NewJob(string KeyId, string? IdempotencyKey, string RequestHash, string RequestJson, string Operation, string Precision, double Flops);

    /// <summary>Stores a queued job, or returns the job <paramref name="job"/>'s key already made with the same
    /// idempotency key (<c>Created</c> false then; <c>SameRequest</c> false when that job's request differs).</summary>
    public (JobRow Job, bool Created, bool SameRequest) Insert(NewJob job)
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        if (job.IdempotencyKey is not null)
        {
            using var find = ServiceDatabase.Command(
                connection, $"SELECT {Columns}, request_hash FROM jobs WHERE key_id = $key AND idempotency_key = $ik",
                ("$key", job.KeyId), ("$ik", job.IdempotencyKey));
            find.Transaction = transaction;
            using var reader = find.ExecuteReader();
            if (reader.Read())
            {
                return (ReadRow(reader), false, reader.GetString(15) == job.RequestHash);
            }
        }

        string id = "job_" + Guid.NewGuid().ToString("N");
        var created = DateTimeOffset.UtcNow;
        using (var insert = ServiceDatabase.Command(
            connection,
            """
            INSERT INTO jobs (id, key_id, idempotency_key, request_hash, request, operation, precision, flops, state, created)
            VALUES ($id, $key, $ik, $hash, $request, $op, $precision, $flops, 'queued', $created)
            """,
            ("$id", id), ("$key", job.KeyId), ("$ik", job.IdempotencyKey), ("$hash", job.RequestHash), ("$request", job.RequestJson),
            ("$op", job.Operation), ("$precision", job.Precision), ("$flops", job.Flops), ("$created", Time(created))))
        {
            insert.Transaction = transaction;
            insert.ExecuteNonQuery();
        }

        transaction.Commit();
        return (new JobRow(id, job.KeyId, job.RequestJson, job.Operation, job.Precision, job.Flops, JobState.Queued, created, null, null, 0, 0, null, null, null), true, true);
    }

    /// <summary>The job <paramref name="id"/> if <paramref name="keyId"/> owns it (null for anyone else's).</summary>
    public JobRow? Find(string keyId, string id) => Single("key_id = $key AND id = $id", ("$key", keyId), ("$id", id));

    /// <summary>The job <paramref name="id"/>, whoever owns it (for the runner).</summary>
    public JobRow? Find(string id) => Single("id = $id", ("$id", id));

    /// <summary>The key's newest jobs first.</summary>
    public IReadOnlyList<JobRow> List(string keyId, int limit)
    {
        using var connection = database.Open();
        using var command = ServiceDatabase.Command(connection, $"SELECT {Columns} FROM jobs WHERE key_id = $key ORDER BY seq DESC LIMIT $limit", ("$key", keyId), ("$limit", limit));
        using var reader = command.ExecuteReader();
        var rows = new List<JobRow>();
        while (reader.Read())
        {
            rows.Add(ReadRow(reader));
        }

        return rows;
    }

    /// <summary>After a restart: jobs that were running go back to queued; returns every queued job's id in
    /// submission order.</summary>
    public IReadOnlyList<string> Recover()
    {
        using var connection = database.Open();
        ServiceDatabase.Execute(connection, "UPDATE jobs SET state = 'queued', progress = 0 WHERE state = 'running'");
        using var command = ServiceDatabase.Command(connection, "SELECT id FROM jobs WHERE state = 'queued' ORDER BY seq");
        using var reader = command.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    /// <summary>Marks a queued job running (one more attempt); false when it is no longer queued (canceled).</summary>
    public bool Start(string id)
    {
        using var connection = database.Open(durable: false); // lost only on power loss: the job is then queued and runs again
        return ServiceDatabase.Execute(
            connection, "UPDATE jobs SET state = 'running', started = $now, attempts = attempts + 1, progress = 0 WHERE id = $id AND state = 'queued'",
            ("$id", id), ("$now", Time(DateTimeOffset.UtcNow))) > 0;
    }

    /// <summary>Records progress (not needed for recovery, so callers may throttle it).</summary>
    public void Progress(string id, double progress)
    {
        using var connection = database.Open(durable: false);
        ServiceDatabase.Execute(connection, "UPDATE jobs SET progress = $p WHERE id = $id AND state = 'running'", ("$id", id), ("$p", progress));
    }

    /// <summary>Records a job's final state with its result, report and trace.</summary>
    public void Finish(string id, string state, string? error, JobResult? result, JobReport? report, JobTrace? trace)
    {
        using var connection = database.Open();
        ServiceDatabase.Execute(
            connection,
            "UPDATE jobs SET state = $state, finished = $now, progress = $p, error = $error, result = $result, report = $report, trace = $trace WHERE id = $id",
            ("$id", id), ("$state", state), ("$now", Time(DateTimeOffset.UtcNow)), ("$p", state == JobState.Succeeded ? 1.0 : 0.0), ("$error", error),
            ("$result", ToJson(result)), ("$report", ToJson(report)), ("$trace", ToJson(trace)));
    }

    /// <summary>Cancels a job that is still queued; false when it is not queued.</summary>
    public bool CancelQueued(string id)
    {
        using var connection = database.Open();
        return ServiceDatabase.Execute(
            connection, "UPDATE jobs SET state = 'canceled', finished = $now, error = 'canceled by the client' WHERE id = $id AND state = 'queued'",
            ("$id", id), ("$now", Time(DateTimeOffset.UtcNow))) > 0;
    }

    /// <summary>A finished job's trace, if <paramref name="keyId"/> owns the job and it has one.</summary>
    public JobTrace? Trace(string keyId, string id)
    {
        using var connection = database.Open();
        using var command = ServiceDatabase.Command(connection, "SELECT trace FROM jobs WHERE key_id = $key AND id = $id", ("$key", keyId), ("$id", id));
        return command.ExecuteScalar() is string json ? JsonSerializer.Deserialize<JobTrace>(json, Json) : null;
    }

    private JobRow? Single(string where, params (string, object?)[] parameters)
    {
        using var connection = database.Open();
        using var command = ServiceDatabase.Command(connection, $"SELECT {Columns} FROM jobs WHERE {where}", parameters);
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadRow(reader) : null;
    }

    private static JobRow ReadRow(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetDouble(5), r.GetString(6),
        ParseTime(r.GetString(7)), r.IsDBNull(8) ? null : ParseTime(r.GetString(8)), r.IsDBNull(9) ? null : ParseTime(r.GetString(9)),
        r.GetInt32(10), r.GetDouble(11), r.IsDBNull(12) ? null : r.GetString(12),
        r.IsDBNull(13) ? null : JsonSerializer.Deserialize<JobResult>(r.GetString(13), Json),
        r.IsDBNull(14) ? null : JsonSerializer.Deserialize<JobReport>(r.GetString(14), Json));

    private static string? ToJson<T>(T? value)
        where T : class => value is null ? null : JsonSerializer.Serialize(value, Json);

    private static string Time(DateTimeOffset t) => t.ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTime(string s) => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}
