using System.Globalization;

namespace GpuCompute.Simulation;

/// <summary>A modelled device for the simulator: throughput, and optionally memory, bus and a failure time.</summary>
/// <param name="Name">Its name in reports.</param>
/// <param name="Gflops">GEMM throughput, GFLOP/s.</param>
/// <param name="MemoryGiB">Memory for cached panels of A and B, GiB; null means unlimited.</param>
/// <param name="BandwidthGBs">Host↔device bandwidth, GB/s; null means transfers are free (it computes from host memory).</param>
/// <param name="LatencyMicroseconds">Fixed cost per tile, µs.</param>
/// <param name="FailAtSeconds">Virtual time at which it fails (its tile in flight is lost); null means never.</param>
public sealed record SimulatedDevice(
    string Name, double Gflops, double? MemoryGiB = null, double? BandwidthGBs = null, double LatencyMicroseconds = 0, double? FailAtSeconds = null)
{
    /// <summary>
    /// Parses a comma-separated list of <c>NAME=GFLOPS</c> with optional <c>:mem=GiB</c>, <c>:bw=GB/s</c>,
    /// <c>:lat=us</c> and <c>:fail=s</c>, e.g. <c>gpu=8000:mem=16:bw=24:lat=10,cpu=300</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The list is empty or an entry is malformed; the message names it.</exception>
    public static IReadOnlyList<SimulatedDevice> ParseList(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        string[] entries = spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (entries.Length == 0)
        {
            throw new ArgumentException("The device list is empty; give e.g. 'gpu=8000:bw=24,cpu=300'.", nameof(spec));
        }

        var devices = entries.Select(Parse).ToArray();
        string? duplicate = devices.GroupBy(d => d.Name).FirstOrDefault(g => g.Count() > 1)?.Key;
        return duplicate is null ? devices : throw new ArgumentException($"Device name '{duplicate}' appears twice in '{spec}'.", nameof(spec));
    }

    private static SimulatedDevice Parse(string entry)
    {
        string[] parts = entry.Split(':', StringSplitOptions.TrimEntries);
        string[] head = parts[0].Split('=', StringSplitOptions.TrimEntries);
        if (head.Length != 2 || head[0].Length == 0)
        {
            throw new ArgumentException($"'{entry}' is not NAME=GFLOPS[:mem=GiB][:bw=GB/s][:lat=us][:fail=s].", nameof(entry));
        }

        var device = new SimulatedDevice(head[0], Positive(head[1], "GFLOPS", entry));
        foreach (string option in parts.Skip(1))
        {
            string[] kv = option.Split('=', StringSplitOptions.TrimEntries);
            if (kv.Length != 2)
            {
                throw new ArgumentException($"'{option}' in '{entry}' is not KEY=VALUE.", nameof(entry));
            }

            device = kv[0] switch
            {
                "mem" => device with { MemoryGiB = Positive(kv[1], "mem", entry) },
                "bw" => device with { BandwidthGBs = Positive(kv[1], "bw", entry) },
                "lat" => device with { LatencyMicroseconds = NonNegative(kv[1], "lat", entry) },
                "fail" => device with { FailAtSeconds = NonNegative(kv[1], "fail", entry) },
                _ => throw new ArgumentException($"Unknown key '{kv[0]}' in '{entry}'; valid keys are mem, bw, lat, fail.", nameof(entry)),
            };
        }

        return device;
    }

    private static double Positive(string text, string what, string entry)
    {
        double value = NonNegative(text, what, entry);
        return value > 0 ? value : throw new ArgumentException($"{what} must be positive in '{entry}'; got {text}.", nameof(entry));
    }

    private static double NonNegative(string text, string what, string entry) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value >= 0 && double.IsFinite(value)
            ? value
            : throw new ArgumentException($"{what} must be a non-negative number in '{entry}'; got '{text}'.", nameof(entry));
}
