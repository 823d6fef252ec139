namespace GpuCompute.Scheduling;

/// <summary>Assigns tiles to devices up front according to a static <see cref="SchedulingPolicy"/>.</summary>
internal static class TileAssignment
{
    /// <summary>
    /// Returns, for each device, the indices of the tiles it computes, in order. <paramref name="weights"/> are the
    /// devices' relative throughputs (any positive scale).
    /// </summary>
    public static int[][] Assign(SchedulingPolicy policy, int tileCount, IReadOnlyList<double> weights, int seed)
    {
        int devices = weights.Count;
        var queues = Enumerable.Range(0, devices).Select(_ => new List<int>()).ToArray();
        switch (policy)
        {
            case SchedulingPolicy.RoundRobin:
                for (int t = 0; t < tileCount; t++)
                {
                    queues[t % devices].Add(t);
                }

                break;
            case SchedulingPolicy.Random:
                var random = new Random(seed);
                for (int t = 0; t < tileCount; t++)
                {
                    queues[random.Next(devices)].Add(t);
                }

                break;
            case SchedulingPolicy.Weighted:
                int next = 0;
                int[] shares = Shares(tileCount, weights);
                for (int d = 0; d < devices; d++)
                {
                    queues[d].AddRange(Enumerable.Range(next, shares[d]));
                    next += shares[d];
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(policy), $"{policy} is not a static assignment policy.");
        }

        return queues.Select(q => q.ToArray()).ToArray();
    }

    /// <summary>Splits <paramref name="tileCount"/> tiles in proportion to the weights (largest remainder method).</summary>
    internal static int[] Shares(int tileCount, IReadOnlyList<double> weights)
    {
        double total = weights.Sum();
        if (!(total > 0) || weights.Any(w => !(w >= 0) || double.IsInfinity(w)))
        {
            throw new ArgumentException($"Device weights must be finite, non-negative and not all zero; got [{string.Join(", ", weights)}].", nameof(weights));
        }

        double[] exact = weights.Select(w => tileCount * w / total).ToArray();
        int[] shares = exact.Select(x => (int)Math.Floor(x)).ToArray();
        int left = tileCount - shares.Sum();
        foreach (int d in Enumerable.Range(0, weights.Count).OrderByDescending(d => exact[d] - shares[d]).ThenBy(d => d).Take(left))
        {
            shares[d]++;
        }

        return shares;
    }
}
