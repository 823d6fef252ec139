using GpuCompute.Backends;
using NUnit.Framework;

namespace GpuCompute.Tests.Devices;

public sealed class DeviceSelectionTests
{
    private static readonly ComputeDevice[] Found = [new FakeDevice("cuda:0", DeviceKind.Cuda), new FakeDevice("cuda:1", DeviceKind.Cuda), new FakeDevice("cpu", DeviceKind.Cpu), new FakeDevice("ilgpu-cpu", DeviceKind.IlgpuCpu)];

    [TestCase(null, "cuda:0,cuda:1,cpu")]
    [TestCase("", "cuda:0,cuda:1,cpu")]
    [TestCase("default", "cuda:0,cuda:1,cpu")]
    [TestCase("cpu", "cpu")]
    [TestCase(" CPU , cuda ", "cpu,cuda:0,cuda:1")]
    [TestCase("cuda:1,cpu,cuda", "cuda:1,cpu,cuda:0")]
    [TestCase("ilgpu-cpu", "ilgpu-cpu")]
    [TestCase("gpu,ilgpu-cpu", "cuda:0,cuda:1,ilgpu-cpu")]
    public void Select_ValidList_PicksNamedDevicesInOrderOnce(string? spec, string expected) =>
        Assert.That(string.Join(",", DeviceSelection.Parse(spec).Select(Found).Select(d => d.Id)), Is.EqualTo(expected));

    [TestCase("cuda,tpu", "'tpu'")]
    [TestCase("cuda:x", "'cuda:x'")]
    [TestCase("opencl:-1", "'opencl:-1'")]
    public void Parse_UnknownName_ThrowsListingValidNames(string spec, string named)
    {
        var e = Assert.Throws<ArgumentException>(() => DeviceSelection.Parse(spec));
        Assert.That(e!.Message, Does.Contain(named).And.Contain("default, cpu, gpu, cuda, opencl"));
    }

    [TestCase("opencl")]
    [TestCase("cuda:2")]
    public void Select_AbsentDevice_ThrowsListingWhatWasFound(string spec)
    {
        var e = Assert.Throws<InvalidOperationException>(() => DeviceSelection.Parse(spec).Select(Found));
        Assert.That(e!.Message, Does.Contain("cuda:0, cuda:1, cpu, ilgpu-cpu"));
    }

    [Test]
    public void IsCpuOnly_OnlyForPlainCpu()
    {
        Assert.That(DeviceSelection.Parse("cpu").IsCpuOnly, Is.True);
        Assert.That(DeviceSelection.Parse("cpu,ilgpu-cpu").IsCpuOnly, Is.False);
        Assert.That(DeviceSelection.Parse(null).IsCpuOnly, Is.False);
    }

    private sealed class FakeDevice(string id, DeviceKind kind) : ComputeDevice(id, id, kind, 0)
    {
        internal override void RunGemmTile<T>(Gemm.GemmProblem<T> problem, Gemm.GemmTile tile, CancellationToken cancellation) => throw new NotSupportedException();
    }
}
