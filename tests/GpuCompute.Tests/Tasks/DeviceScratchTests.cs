using GpuCompute.Backends;
using GpuCompute.Tasks;
using NUnit.Framework;

namespace GpuCompute.Tests.Tasks;

/// <summary>The graph's scratch buffers on a device (the emulator's memory): a buffer given back serves the next task
/// that needs no more, the smallest that fits is taken, at most four are kept, and releasing frees them.</summary>
public sealed class DeviceScratchTests
{
    [Test]
    public void BuffersGivenBack_AreReused_SmallestFitFirst_AndReleasedAtTheEnd()
    {
        using var engine = new ComputeEngine(new ComputeEngineOptions { Devices = "ilgpu-cpu", PersistModels = false });
        ComputeDevice device = engine.Devices[0];
        var scratch = new DeviceScratch<double>();
        DeviceBuffer<double> large = scratch.Rent(device, 1000), small = scratch.Rent(device, 100);
        Assert.That(large, Is.Not.SameAs(small));
        scratch.Return(device, large);
        scratch.Return(device, small);

        Assert.That(scratch.Rent(device, 50), Is.SameAs(small), "the smallest free buffer that fits");
        Assert.That(scratch.Rent(device, 500), Is.SameAs(large));
        DeviceBuffer<double> fresh = scratch.Rent(device, 2000);
        Assert.That(fresh.Length, Is.GreaterThanOrEqualTo(2000));

        DeviceBuffer<double>[] many = [.. Enumerable.Range(0, 6).Select(i => scratch.Rent(device, 10 + i))];
        foreach (DeviceBuffer<double> buffer in many)
        {
            scratch.Return(device, buffer);
        }

        // Four kept (the largest), the two smallest freed when given back.
        Assert.That(scratch.Rent(device, 15), Is.SameAs(many[5]));
        scratch.Release();
        Assert.That(scratch.Rent(device, 10), Is.Not.AnyOf(many.Cast<object>().ToArray()), "nothing is handed out after release");
    }
}
