using System.Net;

namespace GpuCompute.Cluster.App;

/// <summary>
/// What <see cref="ComputeEngineOptions.Cluster"/> names: gateways (<c>HOST:PORT[,HOST:PORT…]</c>, apps connect to any
/// of them) or a Redis membership table (<c>redis=HOST:PORT</c>), then optionally <c>;cluster=ID</c> and
/// <c>;timeout=SECONDS</c> (how long joining may take before it fails; default 30) and <c>;peers=off</c> (every panel
/// from the app, none fetched from another node).
/// </summary>
internal sealed record ClusterSpec(IReadOnlyList<IPEndPoint> Gateways, string? Redis, string ClusterId, TimeSpan JoinTimeout, bool Peers = true)
{
    /// <exception cref="ArgumentException">The spec is malformed; the message says how.</exception>
    public static ClusterSpec Parse(string spec)
    {
        string[] parts = spec.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            throw new ArgumentException("The cluster spec is empty; give gateways such as '127.0.0.1:30000,127.0.0.1:30001' or 'redis=127.0.0.1:6379'.", nameof(spec));
        }

        string clusterId = "gpucompute";
        var timeout = TimeSpan.FromSeconds(30);
        bool peers = true;
        foreach (string option in parts.Skip(1))
        {
            string[] kv = option.Split('=', 2, StringSplitOptions.TrimEntries);
            switch (kv[0])
            {
                case "cluster" when kv.Length == 2 && kv[1].Length > 0:
                    clusterId = kv[1];
                    break;
                case "timeout" when kv.Length == 2 && double.TryParse(kv[1], System.Globalization.CultureInfo.InvariantCulture, out double seconds) && seconds > 0 && seconds <= 3600:
                    timeout = TimeSpan.FromSeconds(seconds);
                    break;
                case "peers" when kv.Length == 2 && kv[1] is "on" or "off":
                    peers = kv[1] == "on";
                    break;
                default:
                    throw new ArgumentException($"'{option}' in the cluster spec '{spec}' is not cluster=ID, timeout=SECONDS (0 to 3600) or peers=on|off.", nameof(spec));
            }
        }

        if (parts[0].StartsWith("redis=", StringComparison.Ordinal))
        {
            string redis = parts[0]["redis=".Length..];
            return redis.Length > 0
                ? new ClusterSpec([], redis, clusterId, timeout, peers)
                : throw new ArgumentException($"'{parts[0]}' names no Redis server; give e.g. redis=127.0.0.1:6379.", nameof(spec));
        }

        var gateways = new List<IPEndPoint>();
        foreach (string gateway in parts[0].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!IPEndPoint.TryParse(gateway, out IPEndPoint? endpoint) || endpoint.Port == 0)
            {
                throw new ArgumentException($"'{gateway}' in the cluster spec '{spec}' is not an IP:PORT gateway (e.g. 127.0.0.1:30000).", nameof(spec));
            }

            gateways.Add(endpoint);
        }

        return new ClusterSpec(gateways, null, clusterId, timeout, peers);
    }
}
