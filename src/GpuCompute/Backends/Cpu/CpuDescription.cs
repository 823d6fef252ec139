namespace GpuCompute.Backends.Cpu;

/// <summary>What the host CPU is: its name and memory, read from the OS where it says.</summary>
internal static class CpuDescription
{
    public static string ProcessorName()
    {
        const string cpuinfo = "/proc/cpuinfo";
        try
        {
            if (File.Exists(cpuinfo))
            {
                string? line = BoundedRead.Lines(cpuinfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
                if (line is not null && line.IndexOf(':', StringComparison.Ordinal) is int colon and >= 0)
                {
                    return $"{line[(colon + 1)..].Trim()} ({Environment.ProcessorCount} threads)";
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // An unreadable /proc falls through to the generic name: the name is informational only.
        }

        return $"{System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture} CPU ({Environment.ProcessorCount} threads)";
    }

    public static long TotalMemoryBytes() => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
}
