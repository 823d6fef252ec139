using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using GpuCompute.Client;
using GpuCompute.Service.Api;

namespace GpuCompute.Service.Storage;

/// <summary>Uploaded operands: streamed to disk (never whole in memory), named by the SHA-256 of their bytes, and
/// owned per API key (a key sees only what it uploaded, even when another key uploaded the same bytes).</summary>
public sealed class OperandStore
{
    private readonly ServiceDatabase database;
    private readonly string directory;

    public OperandStore(ServiceDatabase database, string dataDirectory)
    {
        this.database = database;
        directory = Path.Combine(dataDirectory, "operands");
        Directory.CreateDirectory(directory);
    }

    /// <summary>Streams <paramref name="body"/> to disk, hashing as it goes, and records it as
    /// <paramref name="keyId"/>'s; more than <paramref name="maxBytes"/> is refused with 413.</summary>
    public async Task<OperandInfo> SaveAsync(string keyId, Stream body, long maxBytes, CancellationToken cancellation)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var file = DurableFile.CreateTemporary(directory, out string temporary);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        long total = 0;
        try
        {
            int read;
            while ((read = await body.ReadAsync(buffer, cancellation).ConfigureAwait(false)) > 0)
            {
                total += read;
                if (total > maxBytes)
                {
                    throw TooLarge(maxBytes);
                }

                hash.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), cancellation).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            DurableFile.Discard(file, temporary);
            // Kestrel stops a body over the endpoint's limit itself; say so as the same 413.
            throw e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } ? TooLarge(maxBytes) : e;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        string id = Convert.ToHexStringLower(hash.GetHashAndReset());
        string path = PathOf(id);
        if (File.Exists(path) && new FileInfo(path).Length == total)
        {
            DurableFile.Discard(file, temporary); // The same bytes are already stored (content addressing).
        }
        else
        {
            DurableFile.Commit(file, temporary, path);
        }

        using var connection = database.Open();
        ServiceDatabase.Execute(
            connection,
            "INSERT OR IGNORE INTO operands (key_id, id, bytes, created) VALUES ($key, $id, $bytes, $created)",
            ("$key", keyId), ("$id", id), ("$bytes", total), ("$created", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture)));
        return new OperandInfo(id, total);
    }

    /// <summary>The size of <paramref name="keyId"/>'s operand <paramref name="id"/>, or null if that key has none by that id.</summary>
    public long? Find(string keyId, string id)
    {
        using var connection = database.Open();
        using var command = ServiceDatabase.Command(connection, "SELECT bytes FROM operands WHERE key_id = $key AND id = $id", ("$key", keyId), ("$id", id));
        return command.ExecuteScalar() is long bytes ? bytes : null;
    }

    /// <summary>Reads a stored operand into a new array of <typeparamref name="T"/>.</summary>
    public T[] Read<T>(string id, long count)
        where T : unmanaged
    {
        var values = new T[count];
        using var handle = File.OpenHandle(PathOf(id));
        int size = Marshal.SizeOf<T>();
        int chunk = (1 << 30) / size; // A span of bytes holds at most 2 GiB: read large operands in pieces.
        for (long start = 0; start < count; start += chunk)
        {
            Span<byte> bytes = MemoryMarshal.AsBytes(values.AsSpan((int)start, (int)Math.Min(chunk, count - start)));
            long offset = start * size;
            while (!bytes.IsEmpty)
            {
                int read = RandomAccess.Read(handle, bytes, offset);
                if (read == 0)
                {
                    throw new InvalidDataException($"Operand {id} ends after {offset} bytes; {count * size} were expected.");
                }

                bytes = bytes[read..];
                offset += read;
            }
        }

        return values;
    }

    private string PathOf(string id) => Path.Combine(directory, id);

    private static RequestException TooLarge(long maxBytes) => new(
        StatusCodes.Status413PayloadTooLarge, "Upload too large",
        $"The upload is larger than the service's limit of {maxBytes} bytes.");
}
