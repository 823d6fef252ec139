using GpuCompute.Service.Api;

namespace GpuCompute.Service.Operations;

/// <summary>Every operation the service runs, by name.</summary>
public static class OperationCatalog
{
    private static readonly Dictionary<string, ServiceOperation> Operations = new ServiceOperation[]
    {
        new GemmServiceOperation(), new GemvServiceOperation(), new BatchedGemmServiceOperation(), new TransposeServiceOperation(),
        new QrServiceOperation(),
    }
    .Concat(ElementwiseServiceOperation.Names.Select(n => new ElementwiseServiceOperation(n)))
    .Concat(ReductionServiceOperation.Names.Select(n => new ReductionServiceOperation(n)))
    .Concat(CholeskyServiceOperation.Names.Select(n => new CholeskyServiceOperation(n)))
    .Concat(LuServiceOperation.Names.Select(n => new LuServiceOperation(n)))
    .ToDictionary(o => o.Name, StringComparer.Ordinal);

    /// <summary>Every name, in the catalog's order.</summary>
    public static IReadOnlyCollection<string> Names => Operations.Keys;

    /// <summary>The operation called <paramref name="name"/>; a 400 listing the names when there is none.</summary>
    public static ServiceOperation Find(string? name) =>
        name is not null && Operations.TryGetValue(name, out var operation)
            ? operation
            : throw RequestException.BadRequest($"Unknown operation '{name}'; the service runs {string.Join(", ", Operations.Keys)}.");
}
