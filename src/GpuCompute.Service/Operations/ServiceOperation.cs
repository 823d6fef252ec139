using System.Numerics;
using GpuCompute.Client;

namespace GpuCompute.Service.Operations;

/// <summary>One operation the service runs: how it reads a request's shapes, and how it runs on the engine.</summary>
public abstract class ServiceOperation(string name)
{
    /// <summary>The name requests use, e.g. <c>gemm</c>.</summary>
    public string Name { get; } = name;

    /// <summary>Checks the request's operands and scalars (throwing a 400 that names the sizes) and says what the
    /// operation will read, produce and cost.</summary>
    public abstract OperationShape Plan(JobRequest request, OperandShapes shapes);

    /// <summary>Runs the operation. Progress goes from 0 to 1; cancellation is honoured where the engine can stop.</summary>
    public abstract Task<OperationOutcome<T>> RunAsync<T>(
        ComputeEngine engine, OperationArguments<T> arguments, IProgress<double> progress, CancellationToken cancellation)
        where T : unmanaged, IFloatingPointIeee754<T>;
}
