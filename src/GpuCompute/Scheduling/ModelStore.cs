using System.Text.Json;

namespace GpuCompute.Scheduling;

/// <summary>
/// Device performance models persisted between runs in a JSON file (by default
/// <c>$XDG_CACHE_HOME/gpucompute/performance-models.json</c>, else <c>~/.cache/…</c>, else the temporary folder), keyed by device identity and
/// precision. Every read is bounded: a file over <see cref="MaxFileBytes"/>, nested deeper than
/// <see cref="MaxDepth"/>, corrupt, truncated, of another format, with implausible values or timestamps in the future
/// is ignored with one warning and repaired at once (rewritten with what was valid in it), never a crash and never read
/// whole into memory. A path that cannot be written (a directory, a read-only folder) is warned about once.
/// </summary>
internal sealed class ModelStore
{
    /// <summary>The largest file read: a model is a few hundred bytes, so even hundreds of devices fit many times over.</summary>
    internal const long MaxFileBytes = 1 << 20;

    /// <summary>The deepest JSON nesting accepted (the format itself is four levels deep).</summary>
    internal const int MaxDepth = 8;

    /// <summary>Bump when the file's meaning changes, so older files are ignored rather than misread. Version 2: models
    /// learn only from tiles long enough to time, and keep the time they were measured at (version 1 files could hold
    /// throughputs learned from tiny tiles).</summary>
    private const int FormatVersion = 2;

    /// <summary>Per-shape entries kept per model: far more shape classes than any real workload visits.</summary>
    private const int MaxShapes = 4096;

    /// <summary>Models older than this are measured again: drivers, clocks and machines change.</summary>
    private static readonly TimeSpan MaxAge = TimeSpan.FromDays(30);

    /// <summary>Clock skew tolerated in a timestamp; anything later is a future the model cannot come from.</summary>
    private static readonly TimeSpan MaxClockSkew = TimeSpan.FromDays(1);

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        MaxDepth = MaxDepth,
    };

    private readonly object gate = new();
    private readonly string path;
    private readonly Action<string> warn;
    private readonly Dictionary<string, StoredModel> models;
    private bool saveFailureReported;

    public ModelStore(string path, Action<string> warn)
    {
        this.path = path;
        this.warn = warn;
        models = Load();
    }

    /// <summary>The default file: under <c>$XDG_CACHE_HOME</c>, or <c>~/.cache</c>, in <c>gpucompute/</c>.</summary>
    public static string DefaultPath
    {
        get
        {
            // Without XDG_CACHE_HOME or a home folder (a bare service account), the temporary folder: never a path
            // relative to the working directory.
            string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            string root = Path.IsPathFullyQualified(xdg ?? string.Empty) ? xdg!
                : Path.IsPathFullyQualified(home) ? Path.Combine(home, ".cache")
                : Path.GetTempPath();
            return Path.Combine(root, "gpucompute", "performance-models.json");
        }
    }

    public string FilePath => path;

    /// <summary>The stored model for a device identity and precision, unless absent or stale.</summary>
    public StoredModel? Find(string deviceIdentity, string precision)
    {
        lock (gate)
        {
            return models.TryGetValue(Key(deviceIdentity, precision), out StoredModel? model) && DateTimeOffset.UtcNow - model.MeasuredAt < MaxAge
                ? model
                : null;
        }
    }

    /// <summary>Records a model and rewrites the file (atomically: a temporary file renamed over the old one).</summary>
    public void Save(string deviceIdentity, string precision, StoredModel model)
    {
        lock (gate)
        {
            models[Key(deviceIdentity, precision)] = model;
            Write(models);
        }
    }

    private static string Key(string deviceIdentity, string precision) => $"{deviceIdentity}|{precision}";

    /// <summary>Writes <paramref name="contents"/> to the file; warns the first time that fails. Call under the lock.</summary>
    private void Write(Dictionary<string, StoredModel> contents)
    {
        string temporary = $"{path}.{Environment.ProcessId}.tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            File.WriteAllText(temporary, JsonSerializer.Serialize(new StoredFile(FormatVersion, contents), Json));
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            TryDelete(temporary);
            if (!saveFailureReported)
            {
                saveFailureReported = true;
                warn($"Could not save performance models to {path}: {e.Message}; they will be measured again by later runs.");
            }
        }
    }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a stray temporary file is harmless.
        }
    }

    private Dictionary<string, StoredModel> Load()
    {
        if (Directory.Exists(path))
        {
            saveFailureReported = true; // one warning is enough: every save would fail the same way
            warn($"Ignoring performance models at {path}: it is a directory, not a file; models will not be kept between runs.");
            return [];
        }

        if (!File.Exists(path))
        {
            return [];
        }

        Dictionary<string, StoredModel> valid = [];
        string? problem;
        try
        {
            problem = Read(valid);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or NotSupportedException or InvalidOperationException)
        {
            valid.Clear();
            problem = $"it is unreadable ({e.Message})";
        }

        if (problem is not null)
        {
            warn($"Ignoring performance models in {path}: {problem}; devices will be calibrated again and the file rewritten.");
            lock (gate)
            {
                // Repair now, so the next engine does not pay for (or warn about) the same bad file.
                Write(valid);
            }
        }

        return valid;
    }

    /// <summary>Reads the file into <paramref name="valid"/>; returns what was wrong with it, or null if nothing was.</summary>
    private string? Read(Dictionary<string, StoredModel> valid)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        if (stream.Length > MaxFileBytes)
        {
            return $"the file has {stream.Length} bytes, more than the {MaxFileBytes} a model cache can need";
        }

        StoredFile? file = JsonSerializer.Deserialize<StoredFile>(stream, Json);
        if (file?.Version != FormatVersion || file.Models is null)
        {
            return $"format version {file?.Version} is not {FormatVersion}";
        }

        DateTimeOffset latest = DateTimeOffset.UtcNow + MaxClockSkew;
        foreach ((string key, StoredModel model) in file.Models)
        {
            if (IsPlausible(model, latest))
            {
                valid[key] = model;
            }
        }

        return valid.Count == file.Models.Count ? null : $"{file.Models.Count - valid.Count} of its {file.Models.Count} models are invalid";
    }

    /// <summary>Values a real device can have: positive finite throughput and bandwidth, a latency under a second, a
    /// measurement time not in the future, and a bounded number of per-shape entries.</summary>
    private static bool IsPlausible(StoredModel? model, DateTimeOffset latest) =>
        model is not null
        && double.IsFinite(model.Gflops) && model.Gflops > 0
        && double.IsFinite(model.LatencySeconds) && model.LatencySeconds is >= 0 and < 1
        && (model.BandwidthBytesPerSecond is null || (double.IsFinite(model.BandwidthBytesPerSecond.Value) && model.BandwidthBytesPerSecond > 0))
        && model.MeasuredAt <= latest
        && (model.Shapes is null || model.Shapes.Count <= MaxShapes);

    /// <summary>The file's contents.</summary>
    private sealed record StoredFile(int Version, Dictionary<string, StoredModel>? Models);
}
