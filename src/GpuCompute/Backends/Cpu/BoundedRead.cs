namespace GpuCompute.Backends.Cpu;

/// <summary>Reads of small OS description files (sysfs, procfs) that stop after a fixed amount, whatever the file holds.</summary>
internal static class BoundedRead
{
    /// <summary>The first <paramref name="maxChars"/> characters of <paramref name="path"/>, trimmed.</summary>
    public static string Text(string path, int maxChars = 256)
    {
        using var reader = new StreamReader(path);
        var buffer = new char[maxChars];
        int read = reader.ReadBlock(buffer, 0, maxChars);
        return new string(buffer, 0, read).Trim();
    }

    /// <summary>The first <paramref name="maxLines"/> lines of <paramref name="path"/>, each cut at <paramref name="maxLineChars"/>.</summary>
    public static IEnumerable<string> Lines(string path, int maxLines = 4096, int maxLineChars = 1024)
    {
        using var reader = new StreamReader(path);
        for (int n = 0; n < maxLines && reader.ReadLine() is string line; n++)
        {
            yield return line.Length > maxLineChars ? line[..maxLineChars] : line;
        }
    }
}
