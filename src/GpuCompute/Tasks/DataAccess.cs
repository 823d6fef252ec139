namespace GpuCompute.Tasks;

/// <summary>How a task uses a piece of data: what its dependencies are inferred from.</summary>
internal enum DataAccess
{
    /// <summary>Reads it: waits for its last writer (read after write).</summary>
    Read,

    /// <summary>Overwrites it without reading: waits for its last writer and every reader since (write after write,
    /// write after read).</summary>
    Write,

    /// <summary>Reads and updates it: both.</summary>
    ReadWrite,
}
