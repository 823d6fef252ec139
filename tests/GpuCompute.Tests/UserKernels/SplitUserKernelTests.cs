using GpuCompute.Data;
using GpuCompute.Tests.UserKernels.Examples;
using NUnit.Framework;

namespace GpuCompute.Tests.UserKernels;

/// <summary>User kernels split across the CPU device and the emulator in equal shares: each runs its own part.</summary>
public sealed class SplitUserKernelTests : UserKernelTests
{
    protected override string Devices => "cpu,ilgpu-cpu";

    protected override int Scale => 1;

    [Test]
    public void For2D_SplitAcrossTwoDevices_EqualsOneDeviceBitForBit()
    {
        const int rows = 37, columns = 29;
        float[] start = Enumerable.Range(0, rows * columns).Select(i => MathF.Sin(i * 0.1f)).ToArray();

        float[] split = Steps(Devices, even: true);
        float[] single = Steps("cpu", even: false);

        Assert.That(split, Is.EqualTo(single), "the same kernel over the same data, split or not");

        float[] Steps(string devices, bool even)
        {
            using var engine = new ComputeEngine(new ComputeEngineOptions { Devices = devices, PersistModels = false });
            DataLayout layout = even ? engine.Layout(rows, engine.Devices) : engine.Layout(rows, engine.Devices[0]);
            Assert.That(layout.Parts, Has.Count.EqualTo(engine.Devices.Count));
            using DeviceMatrix<float> a = engine.AllocateMatrix<float>(rows, columns, layout);
            using DeviceMatrix<float> b = engine.AllocateMatrix<float>(rows, columns, layout);
            a.CopyFromHost(start);
            engine.For2D(layout, columns, part => new HeatStencilKernel(part.ViewWithHalo(a, 1), part.View(b), 0.2f));
            engine.For2D(layout, columns, part => new HeatStencilKernel(part.ViewWithHalo(b, 1), part.View(a), 0.2f));
            return a.ToArray();
        }
    }
}
