using System.Numerics;
using GpuCompute.Data;
using NUnit.Framework;

namespace GpuCompute.Tests.Operations;

/// <summary>Engine set-up and data helpers shared by the element-wise and reduction fixtures.</summary>
public abstract class OperationFixture
{
    /// <summary>The sizes every operation is checked at; −1 stands for <see cref="LargeSize"/>.</summary>
    public static readonly int[] Sizes = [0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, -1];

    protected ComputeEngine Engine { get; private set; } = null!;

    /// <summary>The device list (as in GPUCOMPUTE_DEVICES).</summary>
    protected abstract string Devices { get; }

    /// <summary>The large size: about a million on the CPU device, a few thousand where the emulator computes.</summary>
    protected virtual int LargeSize => 1_000_003;

    [OneTimeSetUp]
    public void CreateEngine()
    {
        try
        {
            Engine = new ComputeEngine(new ComputeEngineOptions { Devices = Devices, PersistModels = false });
        }
        catch (InvalidOperationException e) when (Devices is "cuda" or "opencl")
        {
            Assert.Ignore($"No {Devices} device on this machine: {e.Message}");
        }
    }

    [OneTimeTearDown]
    public void DisposeEngine() => Engine?.Dispose();

    protected int Resolve(int size) => size < 0 ? LargeSize : size;

    /// <summary>Equal shares on every engine device, so a split engine really computes on both.</summary>
    protected DataLayout Even(long count) => Engine.Layout(count, Engine.Devices);

    protected static double Epsilon<T>() => typeof(T) == typeof(float) ? Math.ScaleB(1.0, -23) : Math.ScaleB(1.0, -52);

    /// <summary>Values uniform in [−1, 1), rounded to <typeparamref name="T"/>, and the same values as doubles.</summary>
    protected static (T[] Values, double[] Exact) Random<T>(int length, int seed, double low = -1, double high = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        var values = new T[length];
        var exact = new double[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = T.CreateTruncating(low + ((high - low) * random.NextDouble()));
            exact[i] = double.CreateTruncating(values[i]);
        }

        return (values, exact);
    }

    protected DeviceVector<T> Upload<T>(T[] values)
        where T : unmanaged => Engine.UploadVector<T>(values, Even(values.Length));
}
