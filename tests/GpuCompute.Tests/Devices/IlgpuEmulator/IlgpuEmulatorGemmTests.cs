using System.Diagnostics;
using GpuCompute.Backends;
using GpuCompute.Backends.Ilgpu;
using ILGPU;
using NUnit.Framework;

namespace GpuCompute.Tests.Devices.IlgpuEmulator;

/// <summary>
/// The GEMM kernel through <see cref="IlgpuDevice"/> on ILGPU's CPU emulator: always available, so these must pass
/// everywhere. Sizes stay small because the emulator runs one OS thread per simulated GPU thread.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class IlgpuEmulatorGemmTests
{
    private Context? context;
    private IlgpuDevice? device;

    public static IEnumerable<TestCaseData> Cases() =>
        IlgpuGemmCase.Small().Select(c => new TestCaseData(c).SetArgDisplayNames(c.Name));

    [OneTimeSetUp]
    public void CreateDevice()
    {
        context = IlgpuRuntime.CreateContext();
        device = IlgpuRuntime.CreateEmulator(context);
        var watch = Stopwatch.StartNew();
        device.WarmUp();
        TestContext.Progress.WriteLine($"{device}: kernels compiled in {watch.ElapsedMilliseconds} ms");
    }

    [OneTimeTearDown]
    public void DisposeDevice()
    {
        device?.Dispose();
        context?.Dispose();
    }

    [Test]
    public void CreateEmulator_Always_DescribesIlgpuCpuDevice()
    {
        Assert.That(device!.Id, Is.EqualTo("ilgpu-cpu"));
        Assert.That(device.Kind, Is.EqualTo(DeviceKind.IlgpuCpu));
        Assert.That(device.Name, Is.Not.Empty);
        Assert.That(device.MemoryBytes, Is.GreaterThan(0));
    }

    [TestCaseSource(nameof(Cases))]
    public void RunGemmTile_Float_MatchesReference(IlgpuGemmCase gemm) => gemm.Run<float>(device!, seed: 11);

    [TestCaseSource(nameof(Cases))]
    public void RunGemmTile_Double_MatchesReference(IlgpuGemmCase gemm) => gemm.Run<double>(device!, seed: 23);

    [Test]
    public void RunGemmTile_ConcurrentCallers_AllMatchReference()
    {
        var cases = new[]
        {
            new IlgpuGemmCase(19, 23, 17, GpuCompute.Matrices.Transpose.None, GpuCompute.Matrices.Transpose.Transposed, 1, 0.5),
            new IlgpuGemmCase(23, 19, 29, GpuCompute.Matrices.Transpose.Transposed, GpuCompute.Matrices.Transpose.None, -1, 0),
        };
        Parallel.For(0, 4, i =>
        {
            if (i % 2 == 0)
            {
                cases[i / 2].Run<float>(device!, seed: 100 + i);
            }
            else
            {
                cases[i / 2].Run<double>(device!, seed: 100 + i);
            }
        });
    }

    [Test]
    public void RunGemmTile_AfterDispose_ThrowsObjectDisposed()
    {
        using Context own = IlgpuRuntime.CreateContext();
        IlgpuDevice emulator = IlgpuRuntime.CreateEmulator(own);
        emulator.Dispose();
        var gemm = new IlgpuGemmCase(2, 2, 2, GpuCompute.Matrices.Transpose.None, GpuCompute.Matrices.Transpose.None, 1, 0);
        Assert.Throws<ObjectDisposedException>(() => gemm.Run<float>(emulator, seed: 1));
    }

    [Test]
    public void DiscoverGpus_WithoutDrivers_ReturnsOnlyRealDevices()
    {
        IReadOnlyList<IlgpuDevice> gpus = IlgpuRuntime.DiscoverGpus(context!);
        try
        {
            Assert.That(gpus.Select(g => g.Kind), Has.All.AnyOf(DeviceKind.Cuda, DeviceKind.OpenCL));
            Assert.That(gpus.Select(g => g.Id), Is.Unique);
            TestContext.Out.WriteLine(gpus.Count == 0 ? "no CUDA/OpenCL device" : string.Join(", ", gpus));
        }
        finally
        {
            foreach (IlgpuDevice gpu in gpus)
            {
                gpu.Dispose();
            }
        }
    }
}
