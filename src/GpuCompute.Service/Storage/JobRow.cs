using GpuCompute.Client;

namespace GpuCompute.Service.Storage;

/// <summary>A job as stored: its owner, its request, and its state.</summary>
public sealed record JobRow(
    string Id, string KeyId, string RequestJson, string Operation, string Precision, double Flops, string State,
    DateTimeOffset Created, DateTimeOffset? Started, DateTimeOffset? Finished, int Attempts, double Progress,
    string? Error, JobResult? Result, JobReport? Report)
{
    /// <summary>The status a client sees.</summary>
    public JobStatus ToStatus() => new()
    {
        Id = Id,
        Operation = Operation,
        Precision = Precision,
        State = State,
        CreatedAt = Created,
        StartedAt = Started,
        FinishedAt = Finished,
        Attempts = Attempts,
        Progress = Progress,
        Flops = Flops,
        Error = Error,
        Result = Result,
        Report = Report,
    };
}
