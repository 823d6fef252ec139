using System.Reflection;
using GpuCompute.Backends.Ilgpu;
using GpuCompute.Kernels.Elementwise;
using GpuCompute.Kernels.Reductions;
using ILGPU;
using ILGPU.Runtime.Cuda;
using NUnit.Framework;

namespace GpuCompute.Tests.Kernels;

/// <summary>The element-wise and reduction kernels compile offline (no device) to PTX for sm_90 and to OpenCL C.</summary>
[TestFixture]
public sealed class OperationKernelCompilationTests
{
    private Context? context;

    public static IEnumerable<TestCaseData> Kernels()
    {
        foreach (Type t in new[] { typeof(float), typeof(double) })
        {
            yield return Case("map-exp", typeof(ElementwiseKernels).GetMethod(nameof(ElementwiseKernels.Map))!.MakeGenericMethod(t, typeof(ExpOperator)), t);
            yield return Case("zip3-fma", typeof(ElementwiseKernels).GetMethod(nameof(ElementwiseKernels.Zip3))!.MakeGenericMethod(t, typeof(MultiplyAddOperator)), t);
            yield return Case("reduce-sum", typeof(ReductionKernels).GetMethod(nameof(ReductionKernels.Reduce))!.MakeGenericMethod(t, typeof(SumReduction)), t);
            yield return Case("reduce2-dot", typeof(ReductionKernels).GetMethod(nameof(ReductionKernels.Reduce2))!.MakeGenericMethod(t, typeof(SumReduction)), t);
            yield return Case("argmax", typeof(ReductionKernels).GetMethod(nameof(ReductionKernels.ArgExtreme))!.MakeGenericMethod(t, typeof(MaxOrder)), t);
        }
    }

    [OneTimeSetUp]
    public void CreateContext() => context = KernelCompiler.CreateOfflineContext();

    [OneTimeTearDown]
    public void DisposeContext() => context?.Dispose();

    [TestCaseSource(nameof(Kernels))]
    public void CompilePtx_Sm90(string name, MethodInfo kernel)
    {
        string ptx = KernelCompiler.CompilePtx(context!, kernel, CudaArchitecture.SM_90, CudaDriverVersion.FromMajorMinor(13, 0));
        Assert.That(ptx, Does.Contain(".entry"), name);
        if (name.StartsWith("reduce", StringComparison.Ordinal) || name == "argmax")
        {
            Assert.That(ptx, Does.Contain(".shared").And.Contain("bar.sync"), $"{name}: no shared-memory tree");
        }
    }

    [TestCaseSource(nameof(Kernels))]
    public void CompileOpenCL(string name, MethodInfo kernel)
    {
        string source = KernelCompiler.CompileOpenCL(context!, kernel);
        Assert.That(source, Does.Contain("kernel"), name);
    }

    private static TestCaseData Case(string name, MethodInfo kernel, Type type)
    {
        string display = $"{name}-{(type == typeof(float) ? "f32" : "f64")}";
        return new TestCaseData(display, kernel).SetArgDisplayNames(display);
    }
}
