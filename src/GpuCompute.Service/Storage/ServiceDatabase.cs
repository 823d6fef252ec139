using Microsoft.Data.Sqlite;

namespace GpuCompute.Service.Storage;

/// <summary>The service's SQLite database (keys, operands, jobs), one file in the data directory.</summary>
/// <remarks>WAL with <c>synchronous=FULL</c>: a committed transaction is on disk before the call returns, which is
/// what lets a job be durable before its <c>202 Accepted</c> is sent. Writes whose loss costs nothing but a re-run
/// (a job marked running, its progress) open with <c>durable: false</c> (<c>synchronous=NORMAL</c>: safe against a
/// process crash, and may roll back only on power loss), which saves an fsync each.</remarks>
public sealed class ServiceDatabase
{
    private readonly string connectionString;

    public ServiceDatabase(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        FilePath = Path.GetFullPath(Path.Combine(dataDirectory, "service.db"));
        connectionString = new SqliteConnectionStringBuilder { DataSource = FilePath, Pooling = true, DefaultTimeout = 30 }.ToString();
        using var connection = Open();
        Execute(connection, Schema);
    }

    /// <summary>The database file.</summary>
    public string FilePath { get; }

    /// <summary>An open connection; <paramref name="durable"/> commits reach the disk before they return.</summary>
    public SqliteConnection Open(bool durable = true)
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        Execute(connection, $"PRAGMA journal_mode=WAL; PRAGMA synchronous={(durable ? "FULL" : "NORMAL")}; PRAGMA foreign_keys=ON;");
        return connection;
    }

    /// <summary>Runs <paramref name="sql"/> with the given parameters and returns the rows it changed.</summary>
    public static int Execute(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        return command.ExecuteNonQuery();
    }

    /// <summary>A command with its parameters bound (null as SQL NULL).</summary>
    public static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS keys (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            hash TEXT NOT NULL UNIQUE,
            created TEXT NOT NULL,
            revoked INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE IF NOT EXISTS operands (
            key_id TEXT NOT NULL REFERENCES keys(id),
            id TEXT NOT NULL,
            bytes INTEGER NOT NULL,
            created TEXT NOT NULL,
            PRIMARY KEY (key_id, id));
        CREATE TABLE IF NOT EXISTS jobs (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            key_id TEXT NOT NULL REFERENCES keys(id),
            idempotency_key TEXT,
            request_hash TEXT NOT NULL,
            request TEXT NOT NULL,
            operation TEXT NOT NULL,
            precision TEXT NOT NULL,
            flops REAL NOT NULL,
            state TEXT NOT NULL,
            created TEXT NOT NULL,
            started TEXT,
            finished TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            progress REAL NOT NULL DEFAULT 0,
            error TEXT,
            result TEXT,
            report TEXT,
            trace TEXT);
        CREATE UNIQUE INDEX IF NOT EXISTS jobs_idempotency ON jobs (key_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
        CREATE INDEX IF NOT EXISTS jobs_by_key ON jobs (key_id, seq);
        CREATE INDEX IF NOT EXISTS jobs_by_state ON jobs (state, seq);
        """;
}
