namespace GpuCompute.Client;

/// <summary>What the engine did for a job: its wall time, throughput and each device's share.</summary>
public sealed record JobReport
{
    /// <summary>Seconds the engine spent on the operation.</summary>
    public double Seconds { get; init; }

    /// <summary>Floating-point operations the devices performed.</summary>
    public double Flops { get; init; }

    /// <summary>GFLOP/s of the operation (0 for operations that are not counted in flops).</summary>
    public double Gflops { get; init; }

    /// <summary>Each device's share.</summary>
    public IReadOnlyList<DeviceShareInfo> Devices { get; init; } = [];
}

/// <summary>One device's share of a job.</summary>
/// <param name="DeviceId">The device's id.</param>
/// <param name="Name">Its name.</param>
/// <param name="Tiles">Tiles (or parts) it computed.</param>
/// <param name="BusySeconds">Seconds it was busy.</param>
/// <param name="Flops">Floating-point operations it performed.</param>
/// <param name="BytesMoved">Bytes it moved between host and device.</param>
/// <param name="Error">Why it was dropped, if it failed.</param>
public sealed record DeviceShareInfo(string DeviceId, string Name, int Tiles, double BusySeconds, double Flops, double BytesMoved, string? Error);
