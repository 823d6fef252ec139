using System.Numerics;
using System.Reflection;
using GpuCompute.Kernels.Factorizations;
using GpuCompute.Kernels.Gemm;
using GpuCompute.Kernels.LinearAlgebra;
using ILGPU;

namespace GpuCompute.Backends.Ilgpu;

/// <summary>The closed entry points of the built-in kernels that are loaded from method handles (GEMM, GEMV, transpose,
/// batched GEMM, the factorizations' tile kernels), for loading on devices and for offline compilation and listing.</summary>
internal static class IlgpuEntryPoints
{
    /// <summary>The <see cref="GemmKernel.Gemm{T, TScalar, TConfig}"/> instance for <typeparamref name="T"/>.</summary>
    public static MethodInfo Gemm<T, TConfig>()
        where T : unmanaged, IFloatingPointIeee754<T>
        where TConfig : struct, IGemmTileConfig =>
        typeof(T) == typeof(float)
            ? ((Action<ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmArguments<float>>)GemmKernel.Gemm<float, FloatScalar, TConfig>).Method
            : typeof(T) == typeof(double)
                ? ((Action<ArrayView<double>, ArrayView<double>, ArrayView<double>, GemmArguments<double>>)GemmKernel.Gemm<double, DoubleScalar, TConfig>).Method
                : throw Unsupported<T>();

    /// <summary>The GEMV entry point for <typeparamref name="T"/>.</summary>
    public static MethodInfo Gemv<T>()
        where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float)
            ? ((Action<ArrayView<float>, ArrayView<float>, ArrayView<float>, GemvArguments<float>>)GemvKernel.Gemv<float, FloatLinearAlgebraScalar>).Method
            : typeof(T) == typeof(double)
                ? ((Action<ArrayView<double>, ArrayView<double>, ArrayView<double>, GemvArguments<double>>)GemvKernel.Gemv<double, DoubleLinearAlgebraScalar>).Method
                : throw Unsupported<T>();

    /// <summary>The block-transpose entry point for <typeparamref name="T"/>.</summary>
    public static MethodInfo Transpose<T>()
        where T : unmanaged =>
        ((Action<ArrayView<T>, ArrayView<T>, TransposeArguments, long>)TransposeKernel.Transpose<T>).Method;

    /// <summary>The batched-GEMM entry point for <typeparamref name="T"/>.</summary>
    public static MethodInfo BatchedGemm<T>()
        where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float)
            ? ((Action<ArrayView<float>, ArrayView<float>, ArrayView<float>, BatchedGemmArguments<float>, long>)BatchedGemmKernel.Gemm<float, FloatLinearAlgebraScalar>).Method
            : typeof(T) == typeof(double)
                ? ((Action<ArrayView<double>, ArrayView<double>, ArrayView<double>, BatchedGemmArguments<double>, long>)BatchedGemmKernel.Gemm<double, DoubleLinearAlgebraScalar>).Method
                : throw Unsupported<T>();

    /// <summary>The small triangular solve of the factorizations (one thread per right-hand side) for <typeparamref name="T"/>.</summary>
    public static MethodInfo TriangularSolve<T>()
        where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float)
            ? ((Action<Index1D, ArrayView<float>, ArrayView<float>, TriangularSolveArguments>)FactorizationKernels.Solve<float, FloatLinearAlgebraScalar>).Method
            : typeof(T) == typeof(double)
                ? ((Action<Index1D, ArrayView<double>, ArrayView<double>, TriangularSolveArguments>)FactorizationKernels.Solve<double, DoubleLinearAlgebraScalar>).Method
                : throw Unsupported<T>();

    /// <summary>The lower-triangle rank-k update of a small block (one thread per element) for <typeparamref name="T"/>.</summary>
    public static MethodInfo SyrkLower<T>()
        where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float)
            ? ((Action<Index2D, ArrayView<float>, ArrayView<float>, SyrkArguments>)FactorizationKernels.SyrkLower<float, FloatLinearAlgebraScalar>).Method
            : typeof(T) == typeof(double)
                ? ((Action<Index2D, ArrayView<double>, ArrayView<double>, SyrkArguments>)FactorizationKernels.SyrkLower<double, DoubleLinearAlgebraScalar>).Method
                : throw Unsupported<T>();

    /// <summary>The Cholesky factor of a small block (one thread) for <typeparamref name="T"/>.</summary>
    public static MethodInfo Potrf<T>()
        where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float)
            ? ((Action<Index1D, ArrayView<float>, ArrayView<int>, PotrfArguments>)FactorizationKernels.Potrf<float, FloatLinearAlgebraScalar>).Method
            : typeof(T) == typeof(double)
                ? ((Action<Index1D, ArrayView<double>, ArrayView<int>, PotrfArguments>)FactorizationKernels.Potrf<double, DoubleLinearAlgebraScalar>).Method
                : throw Unsupported<T>();

    /// <summary>The LU panel base case (one group) for <typeparamref name="T"/>.</summary>
    public static MethodInfo LuColumns<T>()
        where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float)
            ? ((Action<ArrayView<float>, ArrayView<int>, PanelArguments>)PanelKernels.LuColumns<float, FloatLinearAlgebraScalar>).Method
            : typeof(T) == typeof(double)
                ? ((Action<ArrayView<double>, ArrayView<int>, PanelArguments>)PanelKernels.LuColumns<double, DoubleLinearAlgebraScalar>).Method
                : throw Unsupported<T>();

    /// <summary>LU's row interchanges (one thread per column) for <typeparamref name="T"/>.</summary>
    public static MethodInfo SwapRows<T>()
        where T : unmanaged =>
        ((Action<Index1D, ArrayView<T>, ArrayView<int>, RowSwapArguments>)PanelKernels.SwapRows<T>).Method;

    /// <summary>The QR panel base case with its block reflector (one group) for <typeparamref name="T"/>.</summary>
    public static MethodInfo QrColumns<T>()
        where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float)
            ? ((Action<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, QrPanelArguments>)PanelKernels.QrColumns<float, FloatLinearAlgebraScalar>).Method
            : typeof(T) == typeof(double)
                ? ((Action<ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, QrPanelArguments>)PanelKernels.QrColumns<double, DoubleLinearAlgebraScalar>).Method
                : throw Unsupported<T>();

    private static NotSupportedException Unsupported<T>() =>
        new($"The built-in kernels exist for float and double, not {typeof(T).Name}.");
}
