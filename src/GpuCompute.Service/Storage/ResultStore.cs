using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace GpuCompute.Service.Storage;

/// <summary>Finished jobs' results, one file each, written durably (temporary file, fsync, rename) before the job is
/// marked succeeded, so a result the database names is always whole.</summary>
public sealed class ResultStore
{
    private readonly string directory;

    public ResultStore(string dataDirectory)
    {
        directory = Path.Combine(dataDirectory, "results");
        Directory.CreateDirectory(directory);
    }

    /// <summary>Writes <paramref name="values"/> as job <paramref name="jobId"/>'s result; returns its size and the
    /// hex SHA-256 of its bytes (the download's entity tag).</summary>
    public (long Bytes, string Sha256) Save<T>(string jobId, T[] values)
        where T : unmanaged
    {
        var file = DurableFile.CreateTemporary(directory, out string temporary);
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            int size = Marshal.SizeOf<T>();
            int chunk = (1 << 26) / size;
            for (long start = 0; start < values.Length; start += chunk)
            {
                var bytes = MemoryMarshal.AsBytes(values.AsSpan((int)start, (int)Math.Min(chunk, values.Length - start)));
                hash.AppendData(bytes);
                file.Write(bytes);
            }

            DurableFile.Commit(file, temporary, PathOf(jobId));
            return ((long)values.Length * size, Convert.ToHexStringLower(hash.GetHashAndReset()));
        }
        catch
        {
            DurableFile.Discard(file, temporary);
            throw;
        }
    }

    /// <summary>Where job <paramref name="jobId"/>'s result is.</summary>
    public string PathOf(string jobId) => Path.Combine(directory, jobId + ".bin");
}
