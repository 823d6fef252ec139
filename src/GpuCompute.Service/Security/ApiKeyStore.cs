using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using GpuCompute.Service.Storage;

namespace GpuCompute.Service.Security;

/// <summary>API keys: created with 256 random bits, shown once, stored only as their SHA-256.</summary>
/// <remarks>A plain hash (no salt or stretching) is enough because the keys are random: there is no dictionary to
/// guess from, and a lookup by hash stays one index probe per request.</remarks>
public sealed class ApiKeyStore(ServiceDatabase database)
{
    private const string Prefix = "gck_";

    /// <summary>A key as listed: never the secret itself.</summary>
    public sealed record KeyInfo(string Id, string Name, DateTimeOffset Created, bool Revoked);

    /// <summary>Creates a key named <paramref name="name"/>; returns its id and the secret (not stored).</summary>
    public (string Id, string Secret) Create(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        string secret = Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        string id = "key_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        using var connection = database.Open();
        ServiceDatabase.Execute(
            connection,
            "INSERT INTO keys (id, name, hash, created) VALUES ($id, $name, $hash, $created)",
            ("$id", id), ("$name", name), ("$hash", Hash(secret)), ("$created", DateTimeOffset.UtcNow.ToString("O")));
        return (id, secret);
    }

    /// <summary>Every key, oldest first.</summary>
    public IReadOnlyList<KeyInfo> List()
    {
        using var connection = database.Open();
        using var command = ServiceDatabase.Command(connection, "SELECT id, name, created, revoked FROM keys ORDER BY created");
        using var reader = command.ExecuteReader();
        var keys = new List<KeyInfo>();
        while (reader.Read())
        {
            keys.Add(new KeyInfo(reader.GetString(0), reader.GetString(1), DateTimeOffset.Parse(reader.GetString(2), CultureInfo.InvariantCulture), reader.GetInt64(3) != 0));
        }

        return keys;
    }

    /// <summary>Revokes a key by id; false when there is none.</summary>
    public bool Revoke(string id)
    {
        using var connection = database.Open();
        return ServiceDatabase.Execute(connection, "UPDATE keys SET revoked = 1 WHERE id = $id", ("$id", id)) > 0;
    }

    /// <summary>The id of the live key whose secret is <paramref name="secret"/>, or null.</summary>
    public string? Authenticate(string secret)
    {
        if (!secret.StartsWith(Prefix, StringComparison.Ordinal) || secret.Length > 128)
        {
            return null;
        }

        using var connection = database.Open();
        using var command = ServiceDatabase.Command(connection, "SELECT id FROM keys WHERE hash = $hash AND revoked = 0", ("$hash", Hash(secret)));
        return command.ExecuteScalar() as string;
    }

    /// <summary>True when at least one key exists (revoked or not).</summary>
    public bool Any()
    {
        using var connection = database.Open();
        using var command = ServiceDatabase.Command(connection, "SELECT EXISTS (SELECT 1 FROM keys)");
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) != 0;
    }

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
