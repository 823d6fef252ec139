using GpuCompute.Gemm;

namespace GpuCompute.Backends;

/// <summary>
/// A device threw while computing a tile, or while being calibrated before one; names the device and the tile, with
/// the device's error inside.
/// </summary>
public sealed class DeviceFailedException : Exception
{
    /// <summary>Creates the exception for <paramref name="deviceId"/> failing on <paramref name="tile"/>.</summary>
    public DeviceFailedException(string deviceId, GemmTile tile, Exception inner)
        : base($"Device {deviceId} failed on the {tile.Rows} x {tile.Cols} tile of C at ({tile.Row}, {tile.Col}): {inner.Message}", inner)
    {
        DeviceId = deviceId;
        Tile = tile;
    }

    /// <summary>Creates the exception for <paramref name="deviceId"/> failing while its speed was measured.</summary>
    public DeviceFailedException(string deviceId, Exception inner)
        : base($"Device {deviceId} failed while being calibrated: {inner.Message}", inner)
    {
        DeviceId = deviceId;
    }

    /// <summary>Creates the exception for <paramref name="deviceId"/> failing during <paramref name="operation"/> on device-resident data.</summary>
    public DeviceFailedException(string deviceId, string operation, Exception inner)
        : this(deviceId, operation, inner, null)
    {
    }

    /// <summary>Creates the exception for <paramref name="deviceId"/> failing during <paramref name="operation"/>, which
    /// left <paramref name="lostData"/> (the output it held) unfinished.</summary>
    public DeviceFailedException(string deviceId, string operation, Exception inner, string? lostData)
        : base(
            $"Device {deviceId} failed during {operation}: {inner.Message}"
            + (lostData is null ? string.Empty : $". Lost: {lostData}, which only {deviceId} held; the parts on other devices are complete"),
            inner)
    {
        DeviceId = deviceId;
        LostData = lostData;
    }

    /// <summary>The device-resident data the failure left unfinished (the failed device's part of the output), or null.</summary>
    public string? LostData { get; }

    /// <summary>The failing device's id.</summary>
    public string DeviceId { get; }

    /// <summary>The tile it was computing, or null when it failed while being calibrated or outside GEMM.</summary>
    public GemmTile? Tile { get; }
}
