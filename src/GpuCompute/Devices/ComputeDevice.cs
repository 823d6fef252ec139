using System.Numerics;
using GpuCompute.Gemm;

namespace GpuCompute.Devices;

/// <summary>One device the engine computes on: the managed CPU, a GPU, or ILGPU's emulator.</summary>
/// <remarks>Devices are created and disposed by <see cref="ComputeEngine"/>; a device runs one tile at a time.</remarks>
public abstract class ComputeDevice : IDisposable
{
    private int disposed;

    /// <summary>Devices are made by the engine (and, for fault injection, by tests).</summary>
    internal ComputeDevice(string id, string name, DeviceKind kind, long memoryBytes)
    {
        Id = id;
        Name = name;
        Kind = kind;
        MemoryBytes = memoryBytes;
    }

    /// <summary>A stable identifier: <c>cpu</c>, <c>ilgpu-cpu</c>, <c>cuda:0</c>, <c>opencl:1</c>, …</summary>
    public string Id { get; }

    /// <summary>The hardware's name as the driver or OS reports it.</summary>
    public string Name { get; }

    /// <summary>The kind of device.</summary>
    public DeviceKind Kind { get; }

    /// <summary>Memory the device computes from, in bytes (host RAM for CPU devices).</summary>
    public long MemoryBytes { get; }

    /// <summary>True for devices the engine uses when none are named: the CPU device and every GPU, not the emulator.</summary>
    public bool IsUsedByDefault => Kind != DeviceKind.IlgpuCpu;

    /// <summary>What identifies this device's performance across runs (the key of its stored models).</summary>
    internal virtual string Identity => $"{Kind}|{Id}|{Name}|{MemoryBytes}";

    /// <summary>The device that really holds data and runs kernels (a wrapper such as fault injection returns the wrapped one).</summary>
    internal virtual ComputeDevice DataDevice => this;

    /// <summary>True once the device has been disposed.</summary>
    public bool IsDisposed => Volatile.Read(ref disposed) != 0;

    /// <inheritdoc/>
    public override string ToString() => $"{Id} ({Name})";

    /// <summary>Releases the device's resources (accelerator, buffers, kernels).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            Dispose(true);
            GC.SuppressFinalize(this);
        }
    }

    /// <summary>
    /// Computes one tile of a GEMM: C[tile] ← α·op(A)[tile rows, :]·op(B)[:, tile cols] + β·C[tile].
    /// Blocks until the tile's result is in host memory. Shapes have been validated by the engine. A long tile checks
    /// <paramref name="cancellation"/> between its blocks and throws <see cref="OperationCanceledException"/> when it
    /// fires (the tile's block of C is then partly written).
    /// </summary>
    internal abstract void RunGemmTile<T>(GemmProblem<T> problem, GemmTile tile, CancellationToken cancellation)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>
    /// Measures host↔device transfers: bandwidth in bytes per second and the fixed cost of one copy in seconds, or
    /// null for a device that computes from host memory (no transfers).
    /// </summary>
    internal virtual (double BandwidthBytesPerSecond, double LatencySeconds)? MeasureTransfer() => null;

    /// <summary>Allocates <paramref name="length"/> elements of this device's memory for device-resident data.</summary>
    /// <exception cref="NotSupportedException">The device cannot hold data (a test or simulated device).</exception>
    internal virtual DeviceMemory<T> Allocate<T>(long length)
        where T : unmanaged =>
        throw new NotSupportedException($"Device {Id} cannot hold device-resident data.");

    /// <summary>Releases managed resources when <paramref name="disposing"/> is true.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }
}
