using System.Numerics;
using GpuCompute.Data;
using GpuCompute.Matrices;

namespace GpuCompute.Service.Operations;

/// <summary>An operation's inputs, loaded: each operand read as <typeparamref name="T"/>, with its shape, and the
/// request's scalars.</summary>
public sealed class OperationArguments<T>(
    IReadOnlyDictionary<string, long[]> shapes, IReadOnlyDictionary<string, T[]> values, double alpha, double beta, bool transA, bool transB)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public T Alpha { get; } = T.CreateTruncating(alpha);

    public T Beta { get; } = T.CreateTruncating(beta);

    public bool BetaIsZero => beta == 0;

    public Transpose TransA { get; } = transA ? Transpose.Transposed : Transpose.None;

    public Transpose TransB { get; } = transB ? Transpose.Transposed : Transpose.None;

    public long[] Shape(string role) => shapes[role];

    public T[] Values(string role) => values[role];

    public bool Has(string role) => values.ContainsKey(role);

    /// <summary>The matrix operand copied to the engine's devices (its rows split by the default layout).</summary>
    public DeviceMatrix<T> UploadMatrix(ComputeEngine engine, string role)
    {
        long[] shape = shapes[role];
        var matrix = engine.AllocateMatrix<T>(shape[0], shape[1]);
        matrix.CopyFromHost(values[role]);
        return matrix;
    }

    /// <summary>The operand as a host matrix over its array (no copy).</summary>
    public HostMatrix<T> Matrix(string role)
    {
        long[] shape = shapes[role];
        int rows = (int)shape[0], cols = (int)shape[1];
        return new HostMatrix<T>(values[role], rows, cols, Math.Max(1, cols));
    }
}
