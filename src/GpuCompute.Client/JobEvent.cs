namespace GpuCompute.Client;

/// <summary>One server-sent event of a job: its id (to resume from) and the job's status at that point.</summary>
/// <param name="Id">The event id, <c>attempt-sequence</c>; send it back as <c>Last-Event-ID</c> to resume after it.</param>
/// <param name="Type"><c>state</c> when the job's state changed, <c>progress</c> otherwise.</param>
/// <param name="Status">The job's status.</param>
public sealed record JobEvent(string Id, string Type, JobStatus Status);
