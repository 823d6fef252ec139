using GpuCompute.Data;
using GpuCompute.Scheduling;
using NUnit.Framework;

namespace GpuCompute.Tests.Support;

/// <summary>
/// One engine per fixture on the device set a thin subclass names (cpu, ilgpu-cpu, both, cuda, opencl); fixtures for
/// absent GPUs are ignored with the reason, never red.
/// </summary>
public abstract class DeviceSetFixture
{
    /// <summary>The engine on <see cref="Devices"/>.</summary>
    protected ComputeEngine Engine { get; private set; } = null!;

    /// <summary>The device list (as in GPUCOMPUTE_DEVICES).</summary>
    protected abstract string Devices { get; }

    /// <summary>The engine's scheduling policy (null: the default).</summary>
    protected virtual SchedulingPolicy? Policy => null;

    [OneTimeSetUp]
    public void CreateEngine()
    {
        try
        {
            Engine = new ComputeEngine(new ComputeEngineOptions { Devices = Devices, Policy = Policy, PersistModels = false });
        }
        catch (InvalidOperationException e) when (Devices.Split(',').Any(d => d is "cuda" or "opencl"))
        {
            Assert.Ignore($"No {Devices} device on this machine: {e.Message}");
        }
    }

    [OneTimeTearDown]
    public void DisposeEngine() => Engine?.Dispose();

    /// <summary>Splits <paramref name="count"/> items across every engine device in equal shares, so that a split
    /// engine really computes on each (the default layout keeps small data on one device).</summary>
    protected DataLayout Even(long count) => Engine.Layout(count, Engine.Devices);
}
