using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GpuCompute.Client;
using GpuCompute.Service.Api;
using GpuCompute.Service.Operations;
using GpuCompute.Service.Storage;

namespace GpuCompute.Service.Jobs;

/// <summary>Checks a request before any work: the operation, the precision, every shape, the sizes against the
/// service's limits (in 128-bit arithmetic, so an overflowing element count is named, not wrapped), and that every
/// uploaded operand exists for this key with exactly the bytes its shape needs.</summary>
public sealed class JobValidator(ServiceOptions options, OperandStore operands)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The request as a job for <paramref name="keyId"/>; synchronous requests are held to the smaller limits
    /// of one request.</summary>
    public ValidatedJob Validate(string keyId, JobRequest? request, bool synchronous)
    {
        if (request is null)
        {
            throw RequestException.BadRequest("The request body is empty; send a JSON job request.");
        }

        if (request.Precision is not ("f32" or "f64"))
        {
            throw RequestException.BadRequest($"Precision is '{request.Precision}'; it must be f32 or f64.");
        }

        if (request.Operands is null)
        {
            throw RequestException.BadRequest("The request has no operands.");
        }

        if (request.Alpha is double alpha && !double.IsFinite(alpha) || request.Beta is double beta && !double.IsFinite(beta))
        {
            throw RequestException.BadRequest("α and β must be finite.");
        }

        var operation = OperationCatalog.Find(request.Operation);
        var shape = operation.Plan(request, new OperandShapes(operation.Name, request.Operands, options.MaxElements));
        Int128 resultElements = Elements(shape.Result);
        if (resultElements > options.MaxElements)
        {
            throw new RequestException(
                StatusCodes.Status400BadRequest, "Result too large",
                $"The result would be {OperandShapes.Format(shape.Result)}, {resultElements} elements; the service returns at most {options.MaxElements}.");
        }

        if (shape.Flops > options.MaxJobFlops)
        {
            throw new RequestException(
                StatusCodes.Status400BadRequest, "Job too large",
                $"{operation.Name} of these shapes needs {shape.Flops:G4} floating-point operations; the service takes at most {options.MaxJobFlops:G4} per job.");
        }

        Int128 totalElements = resultElements + shape.Reads.Values.Aggregate(Int128.Zero, (sum, s) => sum + Elements(s));
        if (synchronous && (shape.Flops > options.MaxRunFlops || totalElements > options.MaxRunElements))
        {
            throw new RequestException(
                StatusCodes.Status400BadRequest, "Too large for one request",
                $"{operation.Name} here needs {shape.Flops:G4} floating-point operations and {totalElements} elements; one request takes at most {options.MaxRunFlops:G4} and {options.MaxRunElements}. Submit it as a job (POST /v1/jobs).");
        }

        int size = request.Precision == "f64" ? sizeof(double) : sizeof(float);
        long inline = 0;
        foreach (var (role, readShape) in shape.Reads)
        {
            var operand = request.Operands[role];
            long elements = (long)Elements(readShape);
            if (operand.Id is not null && operand.Values is not null)
            {
                throw RequestException.BadRequest($"Operand '{role}' has both an id and inline values; give one.");
            }

            if (operand.Values is not null)
            {
                inline += operand.Values.Count;
                if (operand.Values.Count != elements)
                {
                    throw RequestException.BadRequest($"Operand '{role}' has shape {OperandShapes.Format(readShape)}, {elements} elements, but {operand.Values.Count} values inline.");
                }
            }
            else if (operand.Id is null)
            {
                throw RequestException.BadRequest($"Operand '{role}' has neither an id (from POST /v1/operands) nor inline values.");
            }
            else
            {
                long bytes = operands.Find(keyId, operand.Id) ?? throw RequestException.NotFound($"Operand '{role}': no upload {operand.Id} for this key.");
                if (bytes != elements * size)
                {
                    throw RequestException.BadRequest(
                        $"Operand '{role}' ({operand.Id}) has {bytes} bytes; shape {OperandShapes.Format(readShape)} in {request.Precision} needs {elements} × {size} = {elements * size}.");
                }
            }
        }

        if (inline > options.MaxRunElements)
        {
            throw RequestException.BadRequest($"The request has {inline} values inline; at most {options.MaxRunElements} may be inline. Upload large operands (POST /v1/operands).");
        }

        string json = JsonSerializer.Serialize(request, Json);
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
        return new ValidatedJob(request, operation, shape, json, hash);
    }

    /// <summary>A stored job's request, planned again (its operands were checked when it was submitted).</summary>
    public static (JobRequest Request, ServiceOperation Operation, OperationShape Shape) Replan(string requestJson, long maxElements)
    {
        var request = JsonSerializer.Deserialize<JobRequest>(requestJson, Json)
            ?? throw new InvalidDataException("A stored job has no request.");
        var operation = OperationCatalog.Find(request.Operation);
        return (request, operation, operation.Plan(request, new OperandShapes(operation.Name, request.Operands, maxElements)));
    }

    private static Int128 Elements(IReadOnlyList<long> shape) => shape.Aggregate(Int128.One, (product, d) => product * d);
}
