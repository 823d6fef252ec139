namespace GpuCompute.Service.Storage;

/// <summary>Writes a file so that it is either absent or whole after a crash: a temporary file in the same
/// directory, flushed to disk, then renamed over the final name.</summary>
public static class DurableFile
{
    /// <summary>A new temporary file next to where final files go (same file system, so the rename is atomic).</summary>
    public static FileStream CreateTemporary(string directory, out string path)
    {
        Directory.CreateDirectory(directory);
        path = Path.Combine(directory, $".tmp-{Guid.NewGuid():N}");
        return new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16, useAsync: true);
    }

    /// <summary>Flushes <paramref name="stream"/> to the disk, closes it and renames it to <paramref name="finalPath"/>
    /// (replacing a file there), then flushes the directory entry where the platform allows.</summary>
    public static void Commit(FileStream stream, string temporaryPath, string finalPath)
    {
        stream.Flush(flushToDisk: true);
        stream.Dispose();
        File.Move(temporaryPath, finalPath, overwrite: true);
        FlushDirectory(Path.GetDirectoryName(finalPath)!);
    }

    /// <summary>Deletes a temporary file left by a failed write (ignoring one that is already gone).</summary>
    public static void Discard(FileStream stream, string temporaryPath)
    {
        stream.Dispose();
        File.Delete(temporaryPath);
    }

    private static void FlushDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return; // Windows has no directory handle to flush; NTFS journals the rename.
        }

        // fsync on the directory makes the rename itself durable (POSIX leaves it in the page cache otherwise).
        // .NET refuses to open a directory as a file, so this goes to libc.
        int fd = NativeMethods.Open(directory, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            return; // Best effort: the file's own data is already on disk.
        }

        _ = NativeMethods.Fsync(fd);
        _ = NativeMethods.Close(fd);
    }

    private static class NativeMethods
    {
        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "open", SetLastError = true)]
        public static extern int Open([System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string path, int flags);

        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
        public static extern int Fsync(int fd);

        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "close")]
        public static extern int Close(int fd);
    }
}
