using System.Reflection;
using GpuCompute.Backends.Ilgpu;
using GpuCompute.Kernels;
using GpuCompute.Tests.UserKernels;
using GpuCompute.Tests.UserKernels.Examples;
using ILGPU;
using ILGPU.Runtime.Cuda;
using NUnit.Framework;

namespace GpuCompute.Tests.Kernels;

/// <summary>The example user kernels, through the engine's entry points, compile offline to PTX for sm_90 and to OpenCL C.</summary>
[TestFixture]
public sealed class UserKernelCompilationTests
{
    private Context? context;

    public static IEnumerable<TestCaseData> Kernels()
    {
        yield return Case("saxpy-1d", ((Action<Index1D, SaxpyKernel, long>)UserKernelEntryPoints.Run1D).Method, implicitlyGrouped: true);
        yield return Case("nbody-1d", ((Action<Index1D, NBodyKernel, long>)UserKernelEntryPoints.Run1D).Method, implicitlyGrouped: true);
        yield return Case("mandelbrot-2d", ((Action<Index2D, MandelbrotKernel, long>)UserKernelEntryPoints.Run2D).Method, implicitlyGrouped: true);
        yield return Case("heat-2d", ((Action<Index2D, HeatStencilKernel, long>)UserKernelEntryPoints.Run2D).Method, implicitlyGrouped: true);
        yield return Case("centering-grouped", ((Action<GroupCenteringKernel, long, long>)UserKernelEntryPoints.RunGrouped1D).Method, implicitlyGrouped: false);

        static TestCaseData Case(string name, MethodInfo method, bool implicitlyGrouped) =>
            new TestCaseData(method, implicitlyGrouped).SetArgDisplayNames(name);
    }

    [OneTimeSetUp]
    public void CreateContext() => context = KernelCompiler.CreateOfflineContext();

    [OneTimeTearDown]
    public void DisposeContext() => context?.Dispose();

    [TestCaseSource(nameof(Kernels))]
    public void CompilePtx_Sm90_ProducesEntryWithoutLocalMemory(MethodInfo kernel, bool implicitlyGrouped)
    {
        string ptx = KernelCompiler.CompilePtx(context!, kernel, CudaArchitecture.SM_90, CudaDriverVersion.FromMajorMinor(13, 0), implicitlyGrouped);
        string dir = Path.Combine(TestContext.CurrentContext.WorkDirectory, "generated-kernels");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, $"user-{TestContext.CurrentContext.Test.Name.GetHashCode():x8}-{kernel.GetGenericArguments()[0].Name}.ptx"), ptx);

        Assert.That(ptx, Does.Contain(".entry"));
        Assert.That(ptx, Does.Not.Contain("ld.local").And.Not.Contain("st.local"), "the kernel struct spilled to local memory");
    }

    [TestCaseSource(nameof(Kernels))]
    public void CompileOpenCL_ProducesKernelSource(MethodInfo kernel, bool implicitlyGrouped)
    {
        string source = KernelCompiler.CompileOpenCL(context!, kernel, implicitlyGrouped: implicitlyGrouped);

        Assert.That(source, Does.Contain("kernel"));
    }
}
