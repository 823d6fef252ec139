namespace GpuCompute.Scheduling;

/// <summary>The names of <see cref="SchedulingPolicy"/> values in options, the CLI and <c>GPUCOMPUTE_POLICY</c>.</summary>
public static class SchedulingPolicyNames
{
    /// <summary>The environment variable that chooses the policy when the options do not.</summary>
    public const string EnvironmentVariable = "GPUCOMPUTE_POLICY";

    private static readonly (string Name, SchedulingPolicy Policy)[] All =
    [
        ("adaptive", SchedulingPolicy.Adaptive),
        ("weighted", SchedulingPolicy.Weighted),
        ("round-robin", SchedulingPolicy.RoundRobin),
        ("random", SchedulingPolicy.Random),
    ];

    /// <summary>Every valid name.</summary>
    public static IReadOnlyList<string> Names { get; } = All.Select(p => p.Name).ToArray();

    /// <summary>The name of <paramref name="policy"/>: <c>weighted</c>, <c>round-robin</c> or <c>random</c>.</summary>
    public static string Name(SchedulingPolicy policy) =>
        All.FirstOrDefault(p => p.Policy == policy).Name
        ?? throw new ArgumentOutOfRangeException(nameof(policy), $"Unknown scheduling policy {(int)policy}.");

    /// <summary>Parses a policy name (case-insensitive).</summary>
    /// <exception cref="ArgumentException">The name is unknown; the message lists the valid ones.</exception>
    public static SchedulingPolicy Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach ((string n, SchedulingPolicy policy) in All)
        {
            if (string.Equals(n, name.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return policy;
            }
        }

        throw new ArgumentException($"Unknown scheduling policy '{name}'; valid names are {string.Join(", ", Names)}.", nameof(name));
    }
}
