using System.Text.Json;

namespace GpuCompute.Scheduling;

/// <summary>
/// Device performance models persisted between runs in a JSON file (by default
/// <c>$XDG_CACHE_HOME/gpucompute/performance-models.json</c>, else <c>~/.cache/…</c>, else the temporary folder), keyed by device identity and
/// precision. A corrupt, unreadable or stale file is ignored with a warning and rewritten, never a crash.
/// </summary>
internal sealed class ModelStore
{
    /// <summary>Bump when the file's meaning changes, so older files are ignored rather than misread.</summary>
    private const int FormatVersion = 1;

    /// <summary>Models older than this are measured again: drivers, clocks and machines change.</summary>
    private static readonly TimeSpan MaxAge = TimeSpan.FromDays(30);

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly object gate = new();
    private readonly string path;
    private readonly Action<string> warn;
    private readonly Dictionary<string, StoredModel> models;

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
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                string temporary = $"{path}.{Environment.ProcessId}.tmp";
                File.WriteAllText(temporary, JsonSerializer.Serialize(new StoredFile(FormatVersion, models), Json));
                File.Move(temporary, path, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                warn($"Could not save performance models to {path}: {e.Message}");
            }
        }
    }

    private static string Key(string deviceIdentity, string precision) => $"{deviceIdentity}|{precision}";

    private Dictionary<string, StoredModel> Load()
    {
        if (!File.Exists(path))
        {
            return [];
        }

        try
        {
            StoredFile? file = JsonSerializer.Deserialize<StoredFile>(File.ReadAllText(path), Json);
            if (file?.Version != FormatVersion || file.Models is null)
            {
                warn($"Ignoring performance models in {path}: format version {file?.Version} is not {FormatVersion}; devices will be calibrated again.");
                return [];
            }

            var valid = file.Models.Where(m => m.Value is { Gflops: > 0 and < double.PositiveInfinity, LatencySeconds: >= 0 }
                && (m.Value.BandwidthBytesPerSecond is null or > 0)).ToDictionary();
            if (valid.Count != file.Models.Count)
            {
                warn($"Ignoring {file.Models.Count - valid.Count} invalid performance model(s) in {path}.");
            }

            return valid;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            warn($"Ignoring unreadable performance models in {path} ({e.Message}); devices will be calibrated again.");
            return [];
        }
    }

    /// <summary>The file's contents.</summary>
    private sealed record StoredFile(int Version, Dictionary<string, StoredModel>? Models);
}
