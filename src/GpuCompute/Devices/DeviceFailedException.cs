using GpuCompute.Gemm;

namespace GpuCompute.Devices;

/// <summary>A device threw while computing a tile; names the device and the tile, with the device's error inside.</summary>
public sealed class DeviceFailedException : Exception
{
    /// <summary>Creates the exception for <paramref name="deviceId"/> failing on <paramref name="tile"/>.</summary>
    public DeviceFailedException(string deviceId, GemmTile tile, Exception inner)
        : base($"Device {deviceId} failed on the {tile.Rows} x {tile.Cols} tile of C at ({tile.Row}, {tile.Col}): {inner.Message}", inner)
    {
        DeviceId = deviceId;
        Tile = tile;
    }

    /// <summary>The failing device's id.</summary>
    public string DeviceId { get; }

    /// <summary>The tile it was computing.</summary>
    public GemmTile Tile { get; }
}
