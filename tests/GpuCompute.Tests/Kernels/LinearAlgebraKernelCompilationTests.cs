using System.Reflection;
using GpuCompute.Backends.Ilgpu;
using ILGPU;
using ILGPU.Runtime.Cuda;
using NUnit.Framework;

namespace GpuCompute.Tests.Kernels;

/// <summary>The GEMV, transpose, batched-GEMM and factorization tile kernels compile offline (no device) to PTX for sm_90 and to OpenCL C.</summary>
[TestFixture]
public sealed class LinearAlgebraKernelCompilationTests
{
    private Context? context;

    public static IEnumerable<TestCaseData> Kernels()
    {
        yield return new TestCaseData(IlgpuEntryPoints.Gemv<float>(), "f32", true).SetArgDisplayNames("gemv-f32");
        yield return new TestCaseData(IlgpuEntryPoints.Gemv<double>(), "f64", true).SetArgDisplayNames("gemv-f64");
        yield return new TestCaseData(IlgpuEntryPoints.Transpose<float>(), "f32", false).SetArgDisplayNames("transpose-f32");
        yield return new TestCaseData(IlgpuEntryPoints.Transpose<double>(), "f64", false).SetArgDisplayNames("transpose-f64");
        yield return new TestCaseData(IlgpuEntryPoints.BatchedGemm<float>(), "f32", true).SetArgDisplayNames("gemm-batched-f32");
        yield return new TestCaseData(IlgpuEntryPoints.BatchedGemm<double>(), "f64", true).SetArgDisplayNames("gemm-batched-f64");
        yield return new TestCaseData(IlgpuEntryPoints.TriangularSolve<float>(), "f32", true).SetArgDisplayNames("triangular-solve-f32");
        yield return new TestCaseData(IlgpuEntryPoints.TriangularSolve<double>(), "f64", true).SetArgDisplayNames("triangular-solve-f64");
        yield return new TestCaseData(IlgpuEntryPoints.SyrkLower<float>(), "f32", true).SetArgDisplayNames("syrk-lower-f32");
        yield return new TestCaseData(IlgpuEntryPoints.SyrkLower<double>(), "f64", true).SetArgDisplayNames("syrk-lower-f64");
        yield return new TestCaseData(IlgpuEntryPoints.Potrf<float>(), "f32", true).SetArgDisplayNames("potrf-f32");
        yield return new TestCaseData(IlgpuEntryPoints.Potrf<double>(), "f64", true).SetArgDisplayNames("potrf-f64");
        yield return new TestCaseData(IlgpuEntryPoints.LuColumns<float>(), "f32", true).SetArgDisplayNames("lu-columns-f32");
        yield return new TestCaseData(IlgpuEntryPoints.LuColumns<double>(), "f64", true).SetArgDisplayNames("lu-columns-f64");
        yield return new TestCaseData(IlgpuEntryPoints.QrColumns<float>(), "f32", true).SetArgDisplayNames("qr-columns-f32");
        yield return new TestCaseData(IlgpuEntryPoints.QrColumns<double>(), "f64", true).SetArgDisplayNames("qr-columns-f64");
    }

    /// <summary>The panel kernels' reductions: one group, staged in shared memory between barriers.</summary>
    public static IEnumerable<TestCaseData> GroupKernels()
    {
        yield return new TestCaseData(IlgpuEntryPoints.LuColumns<double>()).SetArgDisplayNames("lu-columns-f64");
        yield return new TestCaseData(IlgpuEntryPoints.QrColumns<double>()).SetArgDisplayNames("qr-columns-f64");
    }

    [OneTimeSetUp]
    public void CreateContext() => context = KernelCompiler.CreateOfflineContext();

    [OneTimeTearDown]
    public void DisposeContext() => context?.Dispose();

    [TestCaseSource(nameof(Kernels))]
    public void CompilePtx_Sm90(MethodInfo kernel, string ptxType, bool fma)
    {
        string ptx = KernelCompiler.CompilePtx(context!, kernel, CudaArchitecture.SM_90, CudaDriverVersion.FromMajorMinor(13, 0));

        Assert.That(ptx, Does.Contain(".entry"), "no kernel entry in the PTX");
        Assert.That(ptx, Does.Not.Contain("ld.local").And.Not.Contain("st.local"), "local-memory traffic");
        if (fma)
        {
            Assert.That(ptx, Does.Contain($"fma.rn.{ptxType}").Or.Contain($"mad.rn.{ptxType}"), "no fused multiply-add");
        }
        else
        {
            Assert.That(ptx, Does.Contain(".shared"), "the tile is not staged in shared memory");
        }
    }

    [TestCase("f32")]
    [TestCase("f64")]
    public void Potrf_Ptx_TakesTheHardwareSquareRoot(string precision)
    {
        MethodInfo kernel = precision == "f32" ? IlgpuEntryPoints.Potrf<float>() : IlgpuEntryPoints.Potrf<double>();
        string ptx = KernelCompiler.CompilePtx(context!, kernel, CudaArchitecture.SM_90, CudaDriverVersion.FromMajorMinor(13, 0));
        Assert.That(ptx, Does.Contain($"sqrt.rn.{precision}"), "the pivot's square root is not one instruction");
    }

    [TestCaseSource(nameof(GroupKernels))]
    public void PanelKernels_Ptx_ReduceInSharedMemoryBetweenBarriers(MethodInfo kernel)
    {
        string ptx = KernelCompiler.CompilePtx(context!, kernel, CudaArchitecture.SM_90, CudaDriverVersion.FromMajorMinor(13, 0));
        Assert.That(ptx, Does.Contain(".shared"), "the reductions are not staged in shared memory");
        Assert.That(ptx, Does.Contain("bar.sync").Or.Contain("barrier.sync"), "no group barrier");
    }

    [Test]
    public void SwapRows_CompilesToPtxAndOpenCL()
    {
        string ptx = KernelCompiler.CompilePtx(context!, IlgpuEntryPoints.SwapRows<double>(), CudaArchitecture.SM_90, CudaDriverVersion.FromMajorMinor(13, 0));
        Assert.That(ptx, Does.Contain(".entry").And.Contain("ld.f64").And.Contain("st.f64"));
        Assert.That(KernelCompiler.CompileOpenCL(context!, IlgpuEntryPoints.SwapRows<float>()), Does.Contain("kernel"));
    }

    [TestCaseSource(nameof(Kernels))]
    public void CompileOpenCL_ProducesKernelSource(MethodInfo kernel, string ptxType, bool fma)
    {
        _ = ptxType;
        _ = fma;
        string source = KernelCompiler.CompileOpenCL(context!, kernel);

        Assert.That(source, Does.Contain("kernel"));
    }
}
