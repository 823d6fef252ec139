namespace GpuCompute.Simulation;

/// <summary>
/// A lower bound on the makespan of C ← A·B (M × N × K) on heterogeneous devices that counts communication: a device
/// that computes a block of a elements of C does 2·a·K flops and must receive at least 2·√a·K·s bytes of A and B panels
/// (a square block needs the fewest) and send a·s bytes of C over its own link; with copies overlapping compute its
/// time is max(compute, transfer). The bound is the least T at which the largest blocks the devices can finish by T
/// cover C. Devices on one bus share its link: together they receive at least what one block of their combined area
/// would need (the bytes a + 2·K·√a grow slower than a, so splitting an area never costs less), which keeps the bound
/// valid. Memory limits are not counted (they can only make the true optimum slower).
/// </summary>
internal static class CommunicationBound
{
    /// <summary>The bound in seconds (0 for an empty product); devices without a bandwidth transfer for free.</summary>
    public static double Seconds(IReadOnlyList<SimulatedDevice> devices, long m, long n, long k, int elementSize)
    {
        double area = (double)m * n;
        if (area == 0 || k == 0)
        {
            return 0;
        }

        double high = 1;
        while (Covered(devices, area, k, elementSize, high) < area)
        {
            high *= 2;
        }

        double low = 0;
        for (int i = 0; i < 200 && high - low > high * 1e-12; i++)
        {
            double mid = (low + high) / 2;
            (low, high) = Covered(devices, area, k, elementSize, mid) >= area ? (low, mid) : (mid, high);
        }

        return high;
    }

    /// <summary>How much of C the devices can finish by <paramref name="seconds"/>.</summary>
    private static double Covered(IReadOnlyList<SimulatedDevice> devices, double area, long k, int size, double seconds)
    {
        double total = 0;
        foreach (IGrouping<string, SimulatedDevice> link in devices.GroupBy(d => d.Bus ?? "\0" + d.Name))
        {
            double own = link.Sum(d => Math.Min(area, Math.Min(seconds * d.Gflops * 1e9 / (2.0 * k), ByTransfer(d.BandwidthGBs, k, size, seconds))));
            total += Math.Min(own, ByTransfer(link.First().BandwidthGBs, k, size, seconds));
        }

        return total;
    }

    /// <summary>The largest block whose panels and C fit through a link in <paramref name="seconds"/>: s·a + 2·k·s·√a ≤ T·B, a quadratic in √a.</summary>
    private static double ByTransfer(double? gbs, long k, int size, double seconds)
    {
        if (gbs is not double bandwidth)
        {
            return double.PositiveInfinity;
        }

        double budget = seconds * bandwidth * 1e9 / size;
        double root = -k + Math.Sqrt(((double)k * k) + budget);
        return root * root;
    }
}
