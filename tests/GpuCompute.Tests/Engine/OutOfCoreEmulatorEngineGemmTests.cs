using GpuCompute.Backends.Ilgpu;
using GpuCompute.Matrices;
using GpuCompute.Tests.Support;
using GpuCompute.Verification;
using NUnit.Framework;

namespace GpuCompute.Tests.Engine;

/// <summary>
/// GEMM on the emulator with a 2 KiB device memory budget: every tile bigger than a few hundred elements streams
/// through the device in blocks of C and chunks of K (out-of-core), and must still match the reference.
/// </summary>
public sealed class OutOfCoreEmulatorEngineGemmTests : EngineGemmTests
{
    protected override string Devices => "ilgpu-cpu";

    protected override int MaxDimension => 43;

    protected override long? MemoryBudgetBytes => 2048;

    [Test]
    public void Gemm_TinyBudgetWithBetaOne_StreamsAndMatchesReference()
    {
        using var engine = new ComputeEngine(new ComputeEngineOptions { Devices = "ilgpu-cpu", DeviceMemoryBudgetBytes = 2048 });
        var device = (IlgpuDevice)engine.Devices[0];
        Assert.That(device.MemoryBudgetBytes, Is.EqualTo(2048));

        HostMatrix<double> a = TestMatrices.Random<double>(40, 41, 1), b = TestMatrices.Random<double>(41, 39, 2);
        HostMatrix<double> c = TestMatrices.Random<double>(40, 39, 3);
        ReferenceGemm.Expected expected = ReferenceGemm.Compute(1.0, a, Transpose.None, b, Transpose.None, 1.0, c);
        engine.Gemm(1.0, a, Transpose.None, b, Transpose.None, 1.0, c); // 40x39x41 doubles need ~38 KB: streams through 2 KiB
        expected.AssertMatches(c, "out-of-core with beta = 1");
    }

    [Test]
    public void Constructor_NonPositiveBudget_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ComputeEngine(new ComputeEngineOptions { Devices = "ilgpu-cpu", DeviceMemoryBudgetBytes = 0 }));
}
