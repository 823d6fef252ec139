using GpuCompute.Backends.Ilgpu;
using GpuCompute.Matrices;
using GpuCompute.Tests.Devices.IlgpuEmulator;
using ILGPU;
using NUnit.Framework;

namespace GpuCompute.Tests.Devices.IlgpuGpu;

/// <summary>
/// The emulator's GEMM cases plus sizes around the 128 × 128 GPU block, on every CUDA and OpenCL device ILGPU finds.
/// Ignored (not failed) where there is none: CPU paths always, GPU paths when present.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class IlgpuGpuGemmTests
{
    private Context? context;
    private IReadOnlyList<IlgpuDevice> gpus = [];

    public static IEnumerable<TestCaseData> Cases() =>
        IlgpuGemmCase.Small().Concat(Large()).Select(c => new TestCaseData(c).SetArgDisplayNames(c.Name));

    [OneTimeSetUp]
    public void DiscoverDevices()
    {
        context = IlgpuRuntime.CreateContext();
        gpus = IlgpuRuntime.DiscoverGpus(context);
        if (gpus.Count == 0)
        {
            Assert.Ignore("no CUDA device: ILGPU found no CUDA or OpenCL device on this machine (no driver or no GPU).");
        }

        foreach (IlgpuDevice gpu in gpus)
        {
            gpu.WarmUp();
            TestContext.Progress.WriteLine($"GPU under test: {gpu} ({gpu.Kind}, {gpu.MemoryBytes >> 20} MiB)");
        }
    }

    [OneTimeTearDown]
    public void DisposeDevices()
    {
        foreach (IlgpuDevice gpu in gpus)
        {
            gpu.Dispose();
        }

        context?.Dispose();
    }

    [TestCaseSource(nameof(Cases))]
    public void RunGemmTile_Float_MatchesReferenceOnEveryGpu(IlgpuGemmCase gemm)
    {
        foreach (IlgpuDevice gpu in gpus)
        {
            gemm.Run<float>(gpu, seed: 31);
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void RunGemmTile_Double_MatchesReferenceOnEveryGpu(IlgpuGemmCase gemm)
    {
        foreach (IlgpuDevice gpu in gpus)
        {
            gemm.Run<double>(gpu, seed: 37);
        }
    }

    /// <summary>Edges of the 128 × 128 × 8 GPU blocking (127, 128, 129, 255, 257) and a few multi-block shapes.</summary>
    private static IEnumerable<IlgpuGemmCase> Large()
    {
        const Transpose n = Transpose.None, t = Transpose.Transposed;
        foreach (Transpose opA in new[] { n, t })
        {
            foreach (Transpose opB in new[] { n, t })
            {
                yield return new(127, 129, 65, opA, opB, 1, 0);
                yield return new(129, 127, 9, opA, opB, -0.5, 1.5, Padding: 3);
            }
        }

        yield return new(128, 128, 128, n, n, 1, 0);
        yield return new(255, 257, 131, t, n, 1, 0.25);
        yield return new(257, 255, 7, n, t, 2, 0);
        yield return new(300, 200, 513, t, t, 1, 1, Padding: 1);
        yield return new(300, 260, 100, n, n, 1, 0.5, TileRows: 128, TileCols: 96);
    }
}
