namespace GpuCompute.Backends;

/// <summary>Every device failed, so the operation could not finish; C is then partly written.</summary>
public sealed class GemmFailedException : Exception
{
    /// <summary>Creates the exception from each device's failure.</summary>
    public GemmFailedException(IReadOnlyList<DeviceFailedException> failures)
        : base($"Every device failed: {string.Join("; ", failures.Select(f => f.Message))}", failures.FirstOrDefault())
    {
        Failures = failures;
    }

    /// <summary>Each device's failure, with the tile it was computing.</summary>
    public IReadOnlyList<DeviceFailedException> Failures { get; }
}
