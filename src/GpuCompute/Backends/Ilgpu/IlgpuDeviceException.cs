using GpuCompute.Gemm;

namespace GpuCompute.Backends.Ilgpu;

/// <summary>An ILGPU operation (kernel compilation, allocation, copy or launch) failed on an <see cref="IlgpuDevice"/>.</summary>
/// <remarks>The message names the device and the GEMM tile; <see cref="Exception.InnerException"/> holds ILGPU's error.</remarks>
public sealed class IlgpuDeviceException : Exception
{
    /// <summary>Creates an exception with a message.</summary>
    public IlgpuDeviceException()
        : this("An ILGPU operation failed.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What failed.</param>
    public IlgpuDeviceException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the ILGPU exception that caused it.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">ILGPU's exception.</param>
    public IlgpuDeviceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal IlgpuDeviceException(string deviceId, GemmTile tile, string precision, Exception innerException)
        : base(
            $"ILGPU failed on device {deviceId} computing the {precision} GEMM tile of {tile.Rows} x {tile.Cols} at ({tile.Row}, {tile.Col}): {innerException.Message}",
            innerException)
    {
        DeviceId = deviceId;
        Tile = tile;
    }

    /// <summary>The id of the device that failed (<c>cuda:0</c>, <c>ilgpu-cpu</c>, …), if known.</summary>
    public string? DeviceId { get; }

    /// <summary>The tile being computed, if the failure happened in one.</summary>
    public GemmTile? Tile { get; }
}
