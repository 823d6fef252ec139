using System.Numerics;
using GpuCompute.Data;
using GpuCompute.Kernels.Elementwise;
using GpuCompute.Matrices;
using GpuCompute.Scheduling;

namespace GpuCompute.Operations;

/// <summary>
/// Element-wise operations on device vectors: checked (lengths and splits line up, operators ILGPU can compile where an
/// ILGPU device holds a part), then one work item per part, each on the device that holds it.
/// </summary>
internal static class ElementwiseOperation
{
    public static OperationReport Map<T, TOperator>(ComputeEngine engine, DeviceVector<T> x, DeviceVector<T> result, TOperator op)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : struct, IUnaryOperator<T>
    {
        CheckOperands<T, TOperator>(engine, x, nameof(x), result, nameof(result));
        return PartExecution.Run(result.Layout, "an element-wise map", p => result.Layout.Parts[p].Device.Map(x.Storage.Part(p), result.Storage.Part(p), op), Lost(result));
    }

    public static OperationReport Zip<T, TOperator>(ComputeEngine engine, DeviceVector<T> x, DeviceVector<T> y, DeviceVector<T> result, TOperator op)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : struct, IBinaryOperator<T>
    {
        CheckOperands<T, TOperator>(engine, x, nameof(x), result, nameof(result));
        CheckVector(engine, y, nameof(y));
        DataGuard.SameLayout(x.Storage, nameof(x), y.Storage, nameof(y));
        return PartExecution.Run(result.Layout, "an element-wise zip", p => result.Layout.Parts[p].Device.Zip(x.Storage.Part(p), y.Storage.Part(p), result.Storage.Part(p), op), Lost(result));
    }

    public static OperationReport Zip<T, TOperator>(ComputeEngine engine, DeviceVector<T> x, DeviceVector<T> y, DeviceVector<T> z, DeviceVector<T> result, TOperator op)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : struct, ITernaryOperator<T>
    {
        CheckOperands<T, TOperator>(engine, x, nameof(x), result, nameof(result));
        CheckVector(engine, y, nameof(y));
        CheckVector(engine, z, nameof(z));
        DataGuard.SameLayout(x.Storage, nameof(x), y.Storage, nameof(y));
        DataGuard.SameLayout(x.Storage, nameof(x), z.Storage, nameof(z));
        return PartExecution.Run(
            result.Layout,
            "an element-wise zip",
            p => result.Layout.Parts[p].Device.Zip(x.Storage.Part(p), y.Storage.Part(p), z.Storage.Part(p), result.Storage.Part(p), op),
            Lost(result));
    }

    public static OperationReport Fill<T>(ComputeEngine engine, T value, DeviceVector<T> result)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        engine.ThrowIfDisposed();
        ScalarType.EnsureSupported<T>();
        CheckVector(engine, result, nameof(result));
        return PartExecution.Run(result.Layout, "a fill", p => result.Layout.Parts[p].Device.Fill(value, result.Storage.Part(p)), Lost(result));
    }

    public static OperationReport Copy<T>(ComputeEngine engine, DeviceVector<T> x, DeviceVector<T> result)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        engine.ThrowIfDisposed();
        ScalarType.EnsureSupported<T>();
        CheckVector(engine, x, nameof(x));
        CheckVector(engine, result, nameof(result));
        DataGuard.SameLayout(x.Storage, nameof(x), result.Storage, nameof(result));
        return PartExecution.Run(result.Layout, "a copy", p => result.Layout.Parts[p].Device.Copy(x.Storage.Part(p), result.Storage.Part(p)), Lost(result));
    }

    /// <summary>Throws unless <paramref name="vector"/> is not null, of <paramref name="engine"/> and alive.</summary>
    public static void CheckVector<T>(ComputeEngine engine, DeviceVector<T> vector, string name)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(vector, name);
        DataGuard.Usable(engine, vector.Storage, name);
    }

    /// <summary>The checks every map and zip starts with: engine alive, element type, both vectors usable and lined up,
    /// and an operator ILGPU can compile when a part lives on an ILGPU device.</summary>
    public static void CheckOperands<T, TOperator>(ComputeEngine engine, DeviceVector<T> x, string xName, DeviceVector<T> result, string resultName)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOperator : struct
    {
        engine.ThrowIfDisposed();
        ScalarType.EnsureSupported<T>();
        CheckVector(engine, x, xName);
        CheckVector(engine, result, resultName);
        DataGuard.SameLayout(x.Storage, xName, result.Storage, resultName);
        if (result.Layout.Parts.Any(p => p.Device.CompilesKernels) && !UserKernelOperation.IlgpuCanSee(typeof(TOperator)))
        {
            throw new ArgumentException(
                $"ILGPU cannot compile the operator {typeof(TOperator).FullName}: make it public (and any type enclosing it), or declare " +
                "[assembly: InternalsVisibleTo(\"ILGPURuntime\")] in its assembly.", "op");
        }
    }

    private static Func<int, string> Lost<T>(DeviceVector<T> result)
        where T : unmanaged => p => result.Layout.DescribePart(p, "elements", "result");
}
