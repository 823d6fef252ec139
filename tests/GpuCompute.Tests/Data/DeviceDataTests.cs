using GpuCompute.Data;
using GpuCompute.Matrices;
using NUnit.Framework;

namespace GpuCompute.Tests.Data;

/// <summary>Layouts, uploads and downloads of device-resident data on the CPU device and the emulator together.</summary>
[TestFixture]
public sealed class DeviceDataTests
{
    private ComputeEngine engine = null!;

    [OneTimeSetUp]
    public void CreateEngine() => engine = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu,ilgpu-cpu", PersistModels = false });

    [OneTimeTearDown]
    public void DisposeEngine() => engine.Dispose();

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(7)]
    [TestCase(1000)]
    public void Layout_Weights_SplitsConsecutiveRunsInProportion(long count)
    {
        DataLayout layout = engine.Layout(count, engine.Devices, [1.0, 3.0]);

        Assert.That(layout.Count, Is.EqualTo(count));
        Assert.That(layout.Parts.Sum(p => p.Count), Is.EqualTo(count));
        Assert.That(layout.Parts.Select(p => p.First), Is.EqualTo(layout.Parts.Select((p, i) => layout.Parts.Take(i).Sum(q => q.Count))), "consecutive runs");
        if (count == 1000)
        {
            Assert.That(layout.Parts.Select(p => p.Count), Is.EqualTo(new[] { 250L, 750L }));
        }
    }

    [Test]
    public void Layout_SameCountTwice_IsEqual()
    {
        Assert.That(engine.Layout(1 << 20), Is.EqualTo(engine.Layout(1 << 20)));
        Assert.That(engine.Layout(10, engine.Devices), Is.Not.EqualTo(engine.Layout(10, [engine.Devices[0]])));
    }

    [Test]
    public void Layout_BadArguments_Throw()
    {
        using var other = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu" });
        Assert.That(() => engine.Layout(10, other.Devices), Throws.ArgumentException.With.Message.Contains("not one of this engine's devices"));
        Assert.That(() => engine.Layout(10, engine.Devices, [1.0]), Throws.ArgumentException.With.Message.Contains("one finite, non-negative weight per device"));
        Assert.That(() => engine.Layout(10, engine.Devices, [0.0, 0.0]), Throws.ArgumentException);
        Assert.That(() => engine.Layout(10, [engine.Devices[0], engine.Devices[0]]), Throws.ArgumentException.With.Message.Contains("twice"));
        Assert.That(() => engine.Layout(-1), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => engine.AllocateVector<float>(10, engine.Layout(11)), Throws.ArgumentException.With.Message.Contains("11").And.Message.Contains("10"));
        Assert.That(() => engine.AllocateVector<float>(10, other.Layout(10)), Throws.ArgumentException.With.Message.Contains("another ComputeEngine"));
        Assert.That(() => engine.AllocateBatch<float>(1L << 40, 1L << 20, 1L << 20), Throws.InstanceOf<ArgumentOutOfRangeException>().Or.InstanceOf<OverflowException>());
    }

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(17)]
    [TestCase(4099)]
    public void Vector_UploadSplitAcrossDevices_RoundTrips(int length)
    {
        double[] values = Enumerable.Range(0, length).Select(i => (i * 0.37) - 5).ToArray();
        using DeviceVector<double> vector = engine.UploadVector<double>(values, engine.Layout(length, engine.Devices));

        Assert.That(vector.ToArray(), Is.EqualTo(values));
        Assert.That(() => vector.CopyToHost(new double[length + 1]), Throws.ArgumentException.With.Message.Contains($"{length + 1}"));
        Assert.That(() => vector.CopyFromHost(new double[Math.Max(0, length - 1)]), length == 0 ? Throws.Nothing : Throws.ArgumentException);
    }

    [Test]
    public void Matrix_UploadStridedViewAndEmptyColumns_RoundTrips()
    {
        var host = new HostMatrix<float>(9, 7);
        for (int i = 0; i < 9; i++)
        {
            for (int j = 0; j < 7; j++)
            {
                host[i, j] = (i * 10) + j;
            }
        }

        HostMatrix<float> view = host.Slice(1, 2, 6, 4);
        using DeviceMatrix<float> matrix = engine.UploadMatrix(view, engine.Layout(6, engine.Devices));
        using DeviceMatrix<float> empty = engine.UploadMatrix(new HostMatrix<float>(5, 0));

        HostMatrix<float> back = matrix.ToHostMatrix();
        Assert.That(back.Rows, Is.EqualTo(6));
        Assert.That(back.Cols, Is.EqualTo(4));
        Assert.That(back[5, 3], Is.EqualTo(host[6, 5]));
        Assert.That(back.Data, Is.EqualTo(view.Clone().Data));
        Assert.That(empty.Rows, Is.EqualTo(5));
        Assert.That(empty.ToArray(), Is.Empty);
    }

    [Test]
    public void Batch_UploadSplitByMatrices_RoundTripsWholeMatrices()
    {
        float[] values = Enumerable.Range(0, 5 * 3 * 2).Select(i => (float)i).ToArray();
        using DeviceMatrixBatch<float> batch = engine.UploadBatch<float>(values, 5, 3, 2, engine.Layout(5, engine.Devices));

        Assert.That(batch.ToArray(), Is.EqualTo(values));
        Assert.That(batch.Layout.Parts.Sum(p => p.Count), Is.EqualTo(5));
        Assert.That(() => engine.UploadBatch<float>(values, 4, 3, 2), Throws.ArgumentException.With.Message.Contains("4 3 x 2 matrices"));
    }
}
