using GpuCompute.Client;
using GpuCompute.Service.Operations;

namespace GpuCompute.Service.Jobs;

/// <summary>A request that passed every check: its operation, what it reads and costs, and its canonical JSON (what
/// is stored, and what an idempotent retry must match).</summary>
public sealed record ValidatedJob(JobRequest Request, ServiceOperation Operation, OperationShape Shape, string RequestJson, string RequestHash);
