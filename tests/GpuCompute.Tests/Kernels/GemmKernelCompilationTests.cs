using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
using GpuCompute.Backends.Ilgpu;
using GpuCompute.Kernels.Gemm;
using ILGPU;
using ILGPU.Runtime.Cuda;
using NUnit.Framework;

namespace GpuCompute.Tests.Kernels;

/// <summary>Every GEMM kernel compiles offline (no device) to PTX and to OpenCL C, and the PTX looks like a GEMM.</summary>
[TestFixture]
public sealed partial class GemmKernelCompilationTests
{
    private Context? context;

    public static IEnumerable<TestCaseData> Kernels()
    {
        yield return new TestCaseData("f32-gpu", IlgpuEntryPoints.Gemm<float, GpuTileConfig>(), "f32").SetArgDisplayNames("f32-gpu");
        yield return new TestCaseData("f64-gpu", IlgpuEntryPoints.Gemm<double, GpuTileConfig>(), "f64").SetArgDisplayNames("f64-gpu");
        yield return new TestCaseData("f32-emulator", IlgpuEntryPoints.Gemm<float, EmulatorTileConfig>(), "f32").SetArgDisplayNames("f32-emulator");
        yield return new TestCaseData("f64-emulator", IlgpuEntryPoints.Gemm<double, EmulatorTileConfig>(), "f64").SetArgDisplayNames("f64-emulator");
    }

    [OneTimeSetUp]
    public void CreateContext() => context = KernelCompiler.CreateOfflineContext();

    [OneTimeTearDown]
    public void DisposeContext() => context?.Dispose();

    [TestCaseSource(nameof(Kernels))]
    public void CompilePtx_Sm90_UsesFmaAndSharedMemoryWithoutLocalMemory(string name, MethodInfo kernel, string ptxType)
    {
        string ptx = KernelCompiler.CompilePtx(
            context!, kernel, CudaArchitecture.SM_90, CudaDriverVersion.FromMajorMinor(13, 0));
        WriteArtifact($"gemm-{name}-sm90.ptx", ptx);

        Assert.That(ptx, Does.Contain(".entry"), "no kernel entry in the PTX");
        Assert.That(ptx, Does.Contain(".shared"), "the A/B slices are not staged in shared memory");
        Assert.That(ptx, Does.Contain($"fma.rn.{ptxType}").Or.Contain($"mad.rn.{ptxType}"), "no fused multiply-add");
        Assert.That(ptx, Does.Not.Contain("ld.local").And.Not.Contain("st.local"), "the register tile spilled to local memory");
        string vectorLoad = ptxType == "f32" ? "ld.shared.v4.f32" : "ld.shared.v2.f64";
        Assert.That(ptx, Does.Contain(vectorLoad), "the compute loop does not read shared memory with vector loads");

        int fmas = FmaPattern().Matches(ptx).Count;
        Assert.That(fmas, Is.GreaterThanOrEqualTo(GemmKernel.RegisterTile * GemmKernel.RegisterTile), "the 8 x 8 register tile is not unrolled");
        TestContext.Out.WriteLine($"{name}: {ptx.Length} chars, {fmas} fma/mad, registers: {string.Join("; ", RegisterPattern().Matches(ptx).Select(m => m.Value))}");
    }

    [TestCaseSource(nameof(Kernels))]
    public void CompilePtx_O2_QualifiesGlobalMemoryAccesses(string name, MethodInfo kernel, string ptxType)
    {
        using Context o2 = KernelCompiler.CreateOfflineContext(OptimizationLevel.O2);
        string ptx = KernelCompiler.CompilePtx(o2, kernel, CudaArchitecture.SM_90, CudaDriverVersion.FromMajorMinor(13, 0));
        WriteArtifact($"gemm-{name}-sm90-O2.ptx", ptx);

        Assert.That(ptx, Does.Contain($"ld.global.{ptxType}").And.Contain($"st.global.{ptxType}"));
        Assert.That(ptx, Does.Not.Contain("ld.local").And.Not.Contain("st.local"));
        Assert.That(FmaPattern().Matches(ptx).Count, Is.GreaterThanOrEqualTo(GemmKernel.RegisterTile * GemmKernel.RegisterTile));
    }

    [TestCaseSource(nameof(Kernels))]
    public void CompileOpenCL_Gemm_ProducesKernelSource(string name, MethodInfo kernel, string ptxType)
    {
        _ = ptxType;
        string source = KernelCompiler.CompileOpenCL(context!, kernel);
        WriteArtifact($"gemm-{name}.cl", source);

        Assert.That(source, Is.Not.Empty);
        // ILGPU writes the keyword as `kernel`, which OpenCL C defines as a synonym of `__kernel`.
        Assert.That(KernelKeywordPattern().IsMatch(source), Is.True, "no `__kernel`/`kernel` function in the OpenCL C");
    }

    [TestCaseSource(nameof(Kernels))]
    public void CompileOpenCL_ClangSyntaxCheck_Passes(string name, MethodInfo kernel, string ptxType)
    {
        _ = ptxType;
        string? clang = FindOnPath("clang-15");
        if (clang is null)
        {
            Assert.Ignore("clang-15 is not on PATH, so the generated OpenCL C cannot be syntax-checked here (Debian package clang-15).");
        }

        string source = KernelCompiler.CompileOpenCL(context!, kernel);
        string file = Path.Combine(Path.GetTempPath(), $"gpucompute-gemm-{name}-{Environment.ProcessId}.cl");
        File.WriteAllText(file, source);
        try
        {
            var start = new ProcessStartInfo(clang)
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            };
            foreach (string arg in new[] { "-fsyntax-only", "-x", "cl", "-cl-std=CL3.0", "-Xclang", "-finclude-default-header", "-target", "spir64", file })
            {
                start.ArgumentList.Add(arg);
            }

            using Process process = Process.Start(start)!;
            string errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.That(process.ExitCode, Is.Zero, $"clang-15 rejected the OpenCL C of {name}:\n{errors}");
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);

    private static void WriteArtifact(string fileName, string text)
    {
        string dir = Path.Combine(TestContext.CurrentContext.WorkDirectory, "generated-kernels");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, fileName), text);
    }

    [GeneratedRegex(@"\b(fma|mad)\.rn\.f(32|64)\b")]
    private static partial Regex FmaPattern();

    [GeneratedRegex(@"\b(__)?kernel\s+void\b")]
    private static partial Regex KernelKeywordPattern();

    [GeneratedRegex(@"\.reg\s+\.\w+\s+%\w+<\d+>")]
    private static partial Regex RegisterPattern();
}
