using System.Numerics;
using GpuCompute.Data;
using GpuCompute.Tests.Support;

namespace GpuCompute.Tests.Operations;

/// <summary>Engine set-up and data helpers shared by the element-wise and reduction fixtures.</summary>
public abstract class OperationFixture : DeviceSetFixture
{
    /// <summary>The sizes every operation is checked at; −1 stands for <see cref="LargeSize"/>.</summary>
    public static readonly int[] Sizes = [0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, -1];

    /// <summary>The large size: about a million on the CPU device, a few thousand where the emulator computes.</summary>
    protected virtual int LargeSize => 1_000_003;

    protected int Resolve(int size) => size < 0 ? LargeSize : size;

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
