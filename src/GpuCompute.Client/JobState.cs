namespace GpuCompute.Client;

/// <summary>The states a job goes through: queued, running, then one of succeeded, failed or canceled.</summary>
public static class JobState
{
    /// <summary>Stored and waiting for a worker.</summary>
    public const string Queued = "queued";

    /// <summary>On the engine now.</summary>
    public const string Running = "running";

    /// <summary>Finished; the result can be downloaded.</summary>
    public const string Succeeded = "succeeded";

    /// <summary>Finished with an error (<see cref="JobStatus.Error"/>).</summary>
    public const string Failed = "failed";

    /// <summary>Canceled before it finished.</summary>
    public const string Canceled = "canceled";

    /// <summary>True for the states a job does not leave.</summary>
    public static bool IsFinal(string state) => state is Succeeded or Failed or Canceled;
}
