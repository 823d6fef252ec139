using System.Globalization;

namespace GpuCompute.Simulation;

/// <summary>A modelled device for the simulator: throughput, and optionally memory, link, bus and a failure time.</summary>
/// <param name="Name">Its name in reports.</param>
/// <param name="Gflops">GEMM throughput, GFLOP/s.</param>
/// <param name="MemoryGiB">Memory for cached panels of A and B, GiB; null means unlimited.</param>
/// <param name="BandwidthGBs">Host↔device bandwidth, GB/s; null means transfers are free (it computes from host memory).</param>
/// <param name="LatencyMicroseconds">Fixed cost per tile, µs.</param>
/// <param name="FailAtSeconds">Virtual time at which it fails (its tiles in flight are lost); null means never.</param>
/// <param name="OverlapsTransfers">True (the default) when it receives the next tile's panels and sends the last
/// tile's C while it computes (copy engines); false when it copies, computes and copies back in turn.</param>
/// <param name="Bus">Devices naming the same bus share one link (of their common bandwidth); null means a link of its own.</param>
public sealed record SimulatedDevice(
    string Name,
    double Gflops,
    double? MemoryGiB = null,
    double? BandwidthGBs = null,
    double LatencyMicroseconds = 0,
    double? FailAtSeconds = null,
    bool OverlapsTransfers = true,
    string? Bus = null)
{
    /// <summary>
    /// Parses a comma-separated list of <c>NAME=GFLOPS</c> with optional <c>:mem=GiB</c>, <c>:bw=GB/s</c>,
    /// <c>:lat=us</c>, <c>:fail=s</c>, <c>:overlap=0|1</c> and <c>:bus=NAME</c>, e.g.
    /// <c>gpu=8000:mem=16:bw=24:lat=10,cpu=300</c>. Devices on one bus must have the same bandwidth.
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
        if (duplicate is not null)
        {
            throw new ArgumentException($"Device name '{duplicate}' appears twice in '{spec}'.", nameof(spec));
        }

        foreach (var bus in devices.Where(d => d.Bus is not null).GroupBy(d => d.Bus))
        {
            if (bus.Any(d => d.BandwidthGBs is null) || bus.Select(d => d.BandwidthGBs).Distinct().Count() > 1)
            {
                throw new ArgumentException(
                    $"Devices on bus '{bus.Key}' ({string.Join(", ", bus.Select(d => $"{d.Name}: bw={d.BandwidthGBs?.ToString(CultureInfo.InvariantCulture) ?? "none"}"))}) must all give the same bw: it is the bus's.",
                    nameof(spec));
            }
        }

        return devices;
    }

    private static SimulatedDevice Parse(string entry)
    {
        string[] parts = entry.Split(':', StringSplitOptions.TrimEntries);
        string[] head = parts[0].Split('=', StringSplitOptions.TrimEntries);
        if (head.Length != 2 || head[0].Length == 0)
        {
            throw new ArgumentException($"'{entry}' is not NAME=GFLOPS[:mem=GiB][:bw=GB/s][:lat=us][:fail=s][:overlap=0|1][:bus=NAME].", nameof(entry));
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
                "overlap" => device with
                {
                    OverlapsTransfers = kv[1] switch
                    {
                        "1" => true,
                        "0" => false,
                        _ => throw new ArgumentException($"overlap must be 0 or 1 in '{entry}'; got '{kv[1]}'.", nameof(entry)),
                    },
                },
                "bus" => kv[1].Length > 0 ? device with { Bus = kv[1] } : throw new ArgumentException($"bus needs a name in '{entry}'.", nameof(entry)),
                _ => throw new ArgumentException($"Unknown key '{kv[0]}' in '{entry}'; valid keys are mem, bw, lat, fail, overlap, bus.", nameof(entry)),
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
