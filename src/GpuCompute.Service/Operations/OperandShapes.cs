using System.Globalization;
using GpuCompute.Client;
using GpuCompute.Service.Api;

namespace GpuCompute.Service.Operations;

/// <summary>The shapes of a request's operands, checked as an operation asks for them: each error names the operand,
/// the shape it has and the shape it needs.</summary>
public sealed class OperandShapes
{
    private readonly string operation;
    private readonly IReadOnlyDictionary<string, OperandRef> operands;
    private readonly HashSet<string> asked = [];

    public OperandShapes(string operation, IReadOnlyDictionary<string, OperandRef> operands, long maxElements)
    {
        this.operation = operation;
        this.operands = operands;
        foreach (var (role, operand) in operands)
        {
            if (operand is null || operand.Shape is null)
            {
                throw RequestException.BadRequest($"Operand '{role}' has no shape.");
            }

            Int128 elements = 1;
            foreach (long dimension in operand.Shape)
            {
                if (dimension < 0)
                {
                    throw RequestException.BadRequest($"Operand '{role}' has shape {Format(operand.Shape)}: a dimension is negative.");
                }

                if (dimension > int.MaxValue)
                {
                    throw RequestException.BadRequest($"Operand '{role}' has shape {Format(operand.Shape)}: dimension {dimension} is larger than {int.MaxValue}.");
                }

                elements *= dimension;
            }

            if (elements > maxElements)
            {
                throw new RequestException(
                    StatusCodes.Status400BadRequest, "Operand too large",
                    $"Operand '{role}' has shape {Format(operand.Shape)}, {elements} elements; the service takes at most {maxElements} per operand.");
            }
        }
    }

    /// <summary>The operand in <paramref name="role"/>, which must be there and have <paramref name="rank"/> dimensions.</summary>
    public long[] Require(string role, int rank, string meaning)
    {
        asked.Add(role);
        if (!operands.TryGetValue(role, out var operand))
        {
            throw RequestException.BadRequest($"{operation} needs operand '{role}' ({meaning}).");
        }

        return Ranked(role, operand, rank, meaning);
    }

    /// <summary>The operand in <paramref name="role"/> if it is needed (<paramref name="needed"/>); when not needed it
    /// may still be given, and is then ignored (BLAS: C is not read when β = 0).</summary>
    public long[]? Optional(string role, int rank, string meaning, bool needed)
    {
        asked.Add(role);
        if (needed)
        {
            return Require(role, rank, meaning);
        }

        return operands.TryGetValue(role, out var operand) ? Ranked(role, operand, rank, meaning) : null;
    }

    /// <summary>The square matrix operand in <paramref name="role"/> ([n, n]).</summary>
    public long[] RequireSquare(string role)
    {
        long[] shape = Require(role, 2, "a square matrix [n, n]");
        return shape[0] == shape[1]
            ? shape
            : throw RequestException.BadRequest($"{operation} needs a square {role.ToUpperInvariant()}; it is {shape[0]} x {shape[1]}.");
    }

    /// <summary>The right-hand sides B ([n, r]) for the square matrix of shape <paramref name="a"/>.</summary>
    public long[] RequireRightHandSides(string role, long[] a)
    {
        long[] b = Require(role, 2, "a matrix [n, right-hand sides]");
        return b[0] == a[0]
            ? b
            : throw RequestException.BadRequest($"A is {a[0]} x {a[1]} but B has {b[0]} rows: B needs one row per row of A.");
    }

    /// <summary>Refuses operands the operation does not take (a typo would otherwise be silently ignored).</summary>
    public void NoOthers()
    {
        foreach (string role in operands.Keys)
        {
            if (!asked.Contains(role))
            {
                throw RequestException.BadRequest($"{operation} takes operands {string.Join(", ", asked.Select(r => $"'{r}'"))}; '{role}' is not one of them.");
            }
        }
    }

    /// <summary>A shape as written in requests, e.g. <c>[300, 200]</c>.</summary>
    public static string Format(IReadOnlyList<long> shape) => "[" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";

    private long[] Ranked(string role, OperandRef operand, int rank, string meaning)
    {
        if (operand.Shape.Count != rank)
        {
            throw RequestException.BadRequest($"Operand '{role}' of {operation} must be {meaning}; its shape {Format(operand.Shape)} has {operand.Shape.Count} dimensions, not {rank}.");
        }

        return [.. operand.Shape];
    }
}
