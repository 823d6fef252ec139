using System.Net.Http.Json;
using System.Text.Json;
using GpuCompute.Client;
using NUnit.Framework;

namespace GpuCompute.Service.Tests;

/// <summary>Helpers to build requests and read problem details.</summary>
public static class Requests
{
    public static OperandRef Inline(double[] values, params long[] shape) => OperandRef.Inline(values, shape);

    public static JobRequest Gemm(OperandRef a, OperandRef b, OperandRef? c = null, string precision = "f32", string? transA = null, string? transB = null, double? alpha = null, double? beta = null)
    {
        var operands = new Dictionary<string, OperandRef> { ["a"] = a, ["b"] = b };
        if (c is not null)
        {
            operands["c"] = c;
        }

        return new JobRequest { Operation = "gemm", Precision = precision, Operands = operands, TransA = transA, TransB = transB, Alpha = alpha, Beta = beta };
    }

    public static JobRequest Vector(string operation, OperandRef x, OperandRef? y = null, string precision = "f64", double? alpha = null)
    {
        var operands = new Dictionary<string, OperandRef> { ["x"] = x };
        if (y is not null)
        {
            operands["y"] = y;
        }

        return new JobRequest { Operation = operation, Precision = precision, Operands = operands, Alpha = alpha };
    }

    public static double[] Random(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => Math.Round((random.NextDouble() * 2) - 1, 3))];
    }

    /// <summary>The problem document of an error response, after checking its media type.</summary>
    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static string Detail(this JsonElement problem) => problem.GetProperty("detail").GetString() ?? "";
}
