using GpuCompute.Service.Api;

namespace GpuCompute.Service.Operations;

/// <summary>Reads <c>transA</c>/<c>transB</c>: <c>N</c> (or absent) and <c>T</c>, as in BLAS.</summary>
public static class Transposes
{
    public static bool Parse(string? value, string name) => value switch
    {
        null or "N" or "n" => false,
        "T" or "t" => true,
        _ => throw RequestException.BadRequest($"{name} is '{value}'; it must be N or T."),
    };
}
