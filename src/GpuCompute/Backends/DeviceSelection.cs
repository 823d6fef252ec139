namespace GpuCompute.Backends;

/// <summary>
/// Parses a device list such as <c>cpu</c>, <c>cuda,cpu</c> or <c>ilgpu-cpu</c> (from options or the
/// <c>GPUCOMPUTE_DEVICES</c> environment variable) and picks the matching devices.
/// </summary>
/// <remarks>
/// Names: <c>default</c> (the CPU device, every GPU and every cluster node), <c>cpu</c>, <c>gpu</c> (every CUDA and
/// OpenCL device), <c>cuda</c>, <c>opencl</c>, <c>cuda:N</c>, <c>opencl:N</c>, <c>ilgpu-cpu</c> (ILGPU's emulator, used
/// only when named), <c>node</c> (every node of the cluster the engine joined) and <c>node:NAME</c>. Devices come out in
/// the order named, each once.
/// </remarks>
internal sealed class DeviceSelection
{
    /// <summary>The environment variable that selects devices when the options do not.</summary>
    public const string EnvironmentVariable = "GPUCOMPUTE_DEVICES";

    private static readonly string[] Names = ["default", "cpu", "gpu", "cuda", "opencl", "cuda:N", "opencl:N", "ilgpu-cpu", "node", "node:NAME"];

    private readonly string[] tokens;

    private DeviceSelection(string spec, string[] tokens)
    {
        Spec = spec;
        this.tokens = tokens;
    }

    /// <summary>The list as given.</summary>
    public string Spec { get; }

    /// <summary>True when the list can only match the managed CPU device, so no ILGPU context is needed.</summary>
    public bool IsCpuOnly => tokens.All(t => t == "cpu");

    /// <summary>True when the list can only match cluster nodes (no local device is needed).</summary>
    public bool IsNodesOnly => tokens.All(t => t == "node" || t.StartsWith("node:", StringComparison.Ordinal));

    /// <summary>True when one of the list's tokens selects <paramref name="device"/> (a node that joined later, say).</summary>
    public bool Accepts(ComputeDevice device) => tokens.Any(t => Matches(t, device));

    /// <summary>True when the list names ILGPU's emulator.</summary>
    public bool WantsEmulator => tokens.Contains("ilgpu-cpu");

    /// <summary>Parses <paramref name="spec"/> (null or blank means <c>default</c>).</summary>
    /// <exception cref="ArgumentException">A name is unknown; the message lists the valid ones.</exception>
    public static DeviceSelection Parse(string? spec)
    {
        spec = string.IsNullOrWhiteSpace(spec) ? "default" : spec.Trim();
        string[] tokens = spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => t.ToLowerInvariant())
            .ToArray();
        if (tokens.Length == 0)
        {
            tokens = ["default"];
        }

        foreach (string token in tokens)
        {
            if (!IsKnown(token))
            {
                throw new ArgumentException(
                    $"Unknown device '{token}' in '{spec}'; valid names are {string.Join(", ", Names)}.", nameof(spec));
            }
        }

        return new DeviceSelection(spec, tokens);
    }

    /// <summary>Chooses from <paramref name="available"/> the devices this list names, in its order, each once.</summary>
    /// <exception cref="InvalidOperationException">A name matches no available device.</exception>
    public IReadOnlyList<ComputeDevice> Select(IReadOnlyList<ComputeDevice> available)
    {
        var chosen = new List<ComputeDevice>();
        foreach (string token in tokens)
        {
            ComputeDevice[] matches = available.Where(d => Matches(token, d)).ToArray();
            if (matches.Length == 0 && token != "default" && token != "gpu" && token != "node")
            {
                throw new InvalidOperationException(
                    $"No device matches '{token}' (from '{Spec}'); found: {string.Join(", ", available.Select(d => d.Id))}.");
            }

            chosen.AddRange(matches.Where(d => !chosen.Contains(d)));
        }

        if (chosen.Count == 0)
        {
            throw new InvalidOperationException(
                $"'{Spec}' selects no device; found: {string.Join(", ", available.Select(d => d.Id))}.");
        }

        return chosen;
    }

    private static bool IsKnown(string token) =>
        Names.Contains(token) || IsIndexed(token, "cuda:") || IsIndexed(token, "opencl:") || (token.StartsWith("node:", StringComparison.Ordinal) && token.Length > 5);

    private static bool IsIndexed(string token, string prefix) =>
        token.StartsWith(prefix, StringComparison.Ordinal) && int.TryParse(token[prefix.Length..], out int index) && index >= 0;

    private static bool Matches(string token, ComputeDevice device) => token switch
    {
        "default" => device.IsUsedByDefault,
        "cpu" => device.Kind == DeviceKind.Cpu,
        "gpu" => device.Kind is DeviceKind.Cuda or DeviceKind.OpenCL,
        "cuda" => device.Kind == DeviceKind.Cuda,
        "opencl" => device.Kind == DeviceKind.OpenCL,
        "ilgpu-cpu" => device.Kind == DeviceKind.IlgpuCpu,
        "node" => device.Kind == DeviceKind.Node,
        _ => device.Id == token,
    };
}
