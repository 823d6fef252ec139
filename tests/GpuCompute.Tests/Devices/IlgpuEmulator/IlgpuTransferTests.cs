using GpuCompute.Backends.Ilgpu;
using NUnit.Framework;

namespace GpuCompute.Tests.Devices.IlgpuEmulator;

/// <summary>The transfer measurement behind GPU performance models, exercised on the emulator's copies.</summary>
public sealed class IlgpuTransferTests
{
    [Test]
    public void MeasureCopies_OnTheEmulator_GivesPositiveFiniteBandwidthAndLatency()
    {
        using var engine = new ComputeEngine(new ComputeEngineOptions { Devices = "ilgpu-cpu", PersistModels = false });
        var device = (IlgpuDevice)engine.Devices[0];

        (double bandwidth, double latency) = device.MeasureCopies();

        Assert.That(bandwidth, Is.GreaterThan(1e8).And.LessThan(1e13), "bytes per second");
        Assert.That(latency, Is.GreaterThanOrEqualTo(0).And.LessThan(0.01), "seconds");
        Assert.That(device.MeasureTransfer(), Is.Null, "the emulator computes from host memory: modelled as free");
    }
}
