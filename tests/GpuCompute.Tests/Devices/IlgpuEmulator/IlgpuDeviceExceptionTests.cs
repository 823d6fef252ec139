using GpuCompute.Backends.Ilgpu;
using GpuCompute.Gemm;
using NUnit.Framework;

namespace GpuCompute.Tests.Devices.IlgpuEmulator;

[TestFixture]
public sealed class IlgpuDeviceExceptionTests
{
    [Test]
    public void Constructor_DeviceAndTile_MessageNamesBothAndKeepsInnerException()
    {
        var inner = new InvalidOperationException("CUDA_ERROR_LAUNCH_FAILED");
        var tile = new GemmTile(128, 256, 64, 32);

        var exception = new IlgpuDeviceException("cuda:1", tile, nameof(Single), inner);

        Assert.That(exception.Message, Does.Contain("cuda:1").And.Contain("64 x 32").And.Contain("(128, 256)").And.Contain("CUDA_ERROR_LAUNCH_FAILED"));
        Assert.That(exception.InnerException, Is.SameAs(inner));
        Assert.That(exception.DeviceId, Is.EqualTo("cuda:1"));
        Assert.That(exception.Tile, Is.EqualTo(tile));
    }
}
