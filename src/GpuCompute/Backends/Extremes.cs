using System.Numerics;

namespace GpuCompute.Backends;

/// <summary>Which of two candidates for a minimum or maximum wins, on the host: the CPU device's reductions and the
/// combination of every device's part use it, so all backends agree on ties, signed zeros and NaN.</summary>
internal static class Extremes
{
    /// <summary>
    /// The host's copy of the kernels' rule (ReductionKernels.Prefer): a NaN beats any number; −0 is below +0; the
    /// lower index wins between equals and between NaNs; an index below zero marks "none".
    /// </summary>
    public static bool Prefer<T>(bool max, T value, long index, T current, long currentIndex)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (index < 0)
        {
            return false;
        }

        if (currentIndex < 0)
        {
            return true;
        }

        bool nan = T.IsNaN(value), currentNan = T.IsNaN(current);
        if (nan || currentNan)
        {
            return nan && (!currentNan || index < currentIndex);
        }

        int order = Compare(value, current);
        return max ? order > 0 || (order == 0 && index < currentIndex) : order < 0 || (order == 0 && index < currentIndex);
    }

    private static int Compare<T>(T a, T b)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (a < b)
        {
            return -1;
        }

        if (a > b)
        {
            return 1;
        }

        bool negativeA = T.IsNegative(a), negativeB = T.IsNegative(b);
        return negativeA == negativeB ? 0 : negativeA ? -1 : 1;
    }
}
