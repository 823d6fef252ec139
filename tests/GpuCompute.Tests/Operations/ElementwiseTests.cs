using System.Numerics;
using GpuCompute.Data;
using NUnit.Framework;

namespace GpuCompute.Tests.Operations;

/// <summary>
/// Element-wise operations on every device set (thin subclasses), f32 and f64, against a host computation in double:
/// each result element must be within a few ulps of the magnitudes involved.
/// </summary>
public abstract class ElementwiseTests : OperationFixture
{
    [Test]
    public void Add([ValueSource(nameof(Sizes))] int size, [Values] bool f64)
    {
        if (f64) { Binary<double>(size, (x, y, r) => Engine.Add(x, y, r), (a, b) => a + b, (a, b) => Math.Abs(a) + Math.Abs(b)); }
        else { Binary<float>(size, (x, y, r) => Engine.Add(x, y, r), (a, b) => a + b, (a, b) => Math.Abs(a) + Math.Abs(b)); }
    }

    [Test]
    public void Subtract([ValueSource(nameof(Sizes))] int size, [Values] bool f64)
    {
        if (f64) { Binary<double>(size, (x, y, r) => Engine.Subtract(x, y, r), (a, b) => a - b, (a, b) => Math.Abs(a) + Math.Abs(b)); }
        else { Binary<float>(size, (x, y, r) => Engine.Subtract(x, y, r), (a, b) => a - b, (a, b) => Math.Abs(a) + Math.Abs(b)); }
    }

    [Test]
    public void Multiply([ValueSource(nameof(Sizes))] int size, [Values] bool f64)
    {
        if (f64) { Binary<double>(size, (x, y, r) => Engine.PointwiseMultiply(x, y, r), (a, b) => a * b, (a, b) => Math.Abs(a * b)); }
        else { Binary<float>(size, (x, y, r) => Engine.PointwiseMultiply(x, y, r), (a, b) => a * b, (a, b) => Math.Abs(a * b)); }
    }

    [Test]
    public void Scale([ValueSource(nameof(Sizes))] int size, [Values] bool f64)
    {
        if (f64) { Unary<double>(size, (x, r) => Engine.Scale(-2.75, x, r), a => -2.75 * a, a => Math.Abs(2.75 * a)); }
        else { Unary<float>(size, (x, r) => Engine.Scale(-2.75f, x, r), a => -2.75 * a, a => Math.Abs(2.75 * a)); }
    }

    [Test]
    public void Axpy([ValueSource(nameof(Sizes))] int size, [Values] bool f64)
    {
        // y ← αx + y: the "result" is y itself.
        if (f64) { Binary<double>(size, (x, y, _) => Engine.Axpy(1.5, x, y), (a, b) => (1.5 * a) + b, (a, b) => Math.Abs(1.5 * a) + Math.Abs(b), resultIsY: true); }
        else { Binary<float>(size, (x, y, _) => Engine.Axpy(1.5f, x, y), (a, b) => (1.5 * a) + b, (a, b) => Math.Abs(1.5 * a) + Math.Abs(b), resultIsY: true); }
    }

    [Test]
    public void MultiplyAdd([ValueSource(nameof(Sizes))] int size, [Values] bool f64)
    {
        if (f64) { Ternary<double>(size, (x, y, z, r) => Engine.MultiplyAdd(x, y, z, r), (a, b, c) => (a * b) + c, (a, b, c) => Math.Abs(a * b) + Math.Abs(c)); }
        else { Ternary<float>(size, (x, y, z, r) => Engine.MultiplyAdd(x, y, z, r), (a, b, c) => (a * b) + c, (a, b, c) => Math.Abs(a * b) + Math.Abs(c)); }
    }

    [Test]
    public void Relu([ValueSource(nameof(Sizes))] int size, [Values] bool f64)
    {
        if (f64) { Unary<double>(size, (x, r) => Engine.Relu(x, r), a => Math.Max(a, 0), _ => 0); }
        else { Unary<float>(size, (x, r) => Engine.Relu(x, r), a => Math.Max(a, 0), _ => 0); }
    }

    [Test]
    public void Exp([ValueSource(nameof(Sizes))] int size, [Values] bool f64)
    {
        if (f64) { Unary<double>(size, (x, r) => Engine.Exp(x, r), Math.Exp, Math.Exp); }
        else { Unary<float>(size, (x, r) => Engine.Exp(x, r), Math.Exp, Math.Exp); }
    }

    [Test]
    public void Fill([ValueSource(nameof(Sizes))] int size, [Values] bool f64)
    {
        if (f64) { Unary<double>(size, (_, r) => Engine.Fill(0.25, r), _ => 0.25, _ => 0); }
        else { Unary<float>(size, (_, r) => Engine.Fill(0.25f, r), _ => 0.25, _ => 0); }
    }

    [Test]
    public void Copy([ValueSource(nameof(Sizes))] int size, [Values] bool f64)
    {
        if (f64) { Unary<double>(size, (x, r) => Engine.Copy(x, r), a => a, _ => 0); }
        else { Unary<float>(size, (x, r) => Engine.Copy(x, r), a => a, _ => 0); }
    }

    [Test]
    public void Map_UserOperator([ValueSource(nameof(Sizes))] int size, [Values] bool f64)
    {
        static double Clamp(double a) => Math.Clamp(a, -0.5, 0.5);
        if (f64) { Unary<double>(size, (x, r) => Engine.Map<double, ClampHalf>(x, r), Clamp, _ => 0); }
        else { Unary<float>(size, (x, r) => Engine.Map<float, ClampHalf>(x, r), Clamp, _ => 0); }
    }

    [Test]
    public void Zip_UserOperator([ValueSource(nameof(Sizes))] int size, [Values] bool f64)
    {
        if (f64) { Binary<double>(size, (x, y, r) => Engine.Zip<double, SquaredDifference>(x, y, r), (a, b) => (a - b) * (a - b), (a, b) => 3 * (a - b) * (a - b)); }
        else { Binary<float>(size, (x, y, r) => Engine.Zip<float, SquaredDifference>(x, y, r), (a, b) => (a - b) * (a - b), (a, b) => 3 * (a - b) * (a - b)); }
    }

    [Test]
    public void Zip_TernaryUserOperatorWithState([ValueSource(nameof(Sizes))] int size, [Values] bool f64)
    {
        var op = new WeightedCombination(0.75);
        if (f64) { Ternary<double>(size, (x, y, z, r) => Engine.Zip(x, y, z, r, op), (a, b, c) => (0.75 * a) + b - c, (a, b, c) => Math.Abs(a) + Math.Abs(b) + Math.Abs(c)); }
        else { Ternary<float>(size, (x, y, z, r) => Engine.Zip(x, y, z, r, op), (a, b, c) => (0.75 * a) + b - c, (a, b, c) => Math.Abs(a) + Math.Abs(b) + Math.Abs(c)); }
    }

    [Test]
    public void InPlace_ResultIsAnInput([Values(17, -1)] int size, [Values] bool f64)
    {
        if (f64) { Unary<double>(size, (x, _) => Engine.Exp(x, x), Math.Exp, Math.Exp, inPlace: true); }
        else { Unary<float>(size, (x, _) => Engine.Exp(x, x), Math.Exp, Math.Exp, inPlace: true); }

        if (f64) { Binary<double>(size, (x, y, _) => Engine.Add(x, y, x), (a, b) => a + b, (a, b) => Math.Abs(a) + Math.Abs(b), resultIsX: true); }
        else { Binary<float>(size, (x, y, _) => Engine.Add(x, y, x), (a, b) => a + b, (a, b) => Math.Abs(a) + Math.Abs(b), resultIsX: true); }
    }

    [Test]
    public void Relu_NaNStaysNaN_NegativeZeroGivesZero()
    {
        using DeviceVector<double> x = Upload(new[] { double.NaN, -0.0, -1.0, 2.0, double.NegativeInfinity });
        using DeviceVector<double> r = Engine.AllocateVector<double>(5, x.Layout);
        Engine.Relu(x, r);
        double[] result = r.ToArray();
        Assert.That(double.IsNaN(result[0]), Is.True, "relu(NaN)");
        Assert.That(result[1], Is.EqualTo(0.0));
        Assert.That(result[2..], Is.EqualTo(new[] { 0.0, 2.0, 0.0 }));
    }

    [Test]
    public void MismatchedLengths_MessageNamesBothLengths()
    {
        using DeviceVector<float> x = Engine.AllocateVector<float>(10);
        using DeviceVector<float> y = Engine.AllocateVector<float>(12);
        var e = Assert.Throws<ArgumentException>(() => Engine.Add(x, y, x))!;
        Assert.That(e.Message, Does.Contain("10").And.Contain("12"));
        e = Assert.Throws<ArgumentException>(() => Engine.Copy(x, y))!;
        Assert.That(e.Message, Does.Contain("10").And.Contain("12"));
    }

    [Test]
    public void VectorOfAnotherEngine_Throws()
    {
        using var other = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu", PersistModels = false });
        using DeviceVector<double> foreign = other.AllocateVector<double>(8);
        using DeviceVector<double> mine = Engine.AllocateVector<double>(8);
        var e = Assert.Throws<ArgumentException>(() => Engine.Scale(2.0, foreign, mine))!;
        Assert.That(e.Message, Does.Contain("another ComputeEngine"));
    }

    [Test]
    public void DisposedVector_Throws()
    {
        DeviceVector<float> x = Engine.AllocateVector<float>(8);
        using DeviceVector<float> r = Engine.AllocateVector<float>(8);
        x.Dispose();
        Assert.Throws<ObjectDisposedException>(() => Engine.Relu(x, r));
        Assert.Throws<ArgumentNullException>(() => Engine.Relu(null!, r));
    }

    private void Unary<T>(int size, Action<DeviceVector<T>, DeviceVector<T>> run, Func<double, double> reference, Func<double, double> magnitude, bool inPlace = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = Resolve(size);
        var (values, exact) = Random<T>(n, 11);
        using DeviceVector<T> x = Upload(values);
        using DeviceVector<T> r = Engine.AllocateVector<T>(n, x.Layout);
        run(x, r);
        Compare((inPlace ? x : r).ToArray(), exact.Select(reference).ToArray(), exact.Select(magnitude).ToArray());
    }

    private void Binary<T>(int size, Action<DeviceVector<T>, DeviceVector<T>, DeviceVector<T>> run, Func<double, double, double> reference, Func<double, double, double> magnitude, bool resultIsX = false, bool resultIsY = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = Resolve(size);
        var (xs, ex) = Random<T>(n, 12);
        var (ys, ey) = Random<T>(n, 13);
        using DeviceVector<T> x = Upload(xs);
        using DeviceVector<T> y = Engine.UploadVector<T>(ys, x.Layout);
        using DeviceVector<T> r = Engine.AllocateVector<T>(n, x.Layout);
        run(x, y, r);
        DeviceVector<T> result = resultIsX ? x : resultIsY ? y : r;
        Compare(result.ToArray(), ex.Zip(ey, reference).ToArray(), ex.Zip(ey, magnitude).ToArray());
    }

    private void Ternary<T>(int size, Action<DeviceVector<T>, DeviceVector<T>, DeviceVector<T>, DeviceVector<T>> run, Func<double, double, double, double> reference, Func<double, double, double, double> magnitude)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = Resolve(size);
        var (xs, ex) = Random<T>(n, 14);
        var (ys, ey) = Random<T>(n, 15);
        var (zs, ez) = Random<T>(n, 16);
        using DeviceVector<T> x = Upload(xs);
        using DeviceVector<T> y = Engine.UploadVector<T>(ys, x.Layout);
        using DeviceVector<T> z = Engine.UploadVector<T>(zs, x.Layout);
        using DeviceVector<T> r = Engine.AllocateVector<T>(n, x.Layout);
        run(x, y, z, r);
        var expected = new double[n];
        var scale = new double[n];
        for (int i = 0; i < n; i++)
        {
            expected[i] = reference(ex[i], ey[i], ez[i]);
            scale[i] = magnitude(ex[i], ey[i], ez[i]);
        }

        Compare(r.ToArray(), expected, scale);
    }

    /// <summary>Each element within 4 ulps of the magnitudes involved (plus the rounding of the reference to T).</summary>
    private static void Compare<T>(T[] actual, double[] expected, double[] magnitude)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Assert.That(actual, Has.Length.EqualTo(expected.Length));
        double eps = Epsilon<T>();
        for (int i = 0; i < actual.Length; i++)
        {
            double a = double.CreateTruncating(actual[i]);
            double tolerance = (4 * eps * magnitude[i]) + (eps * Math.Abs(expected[i]));
            if (!(Math.Abs(a - expected[i]) <= tolerance))
            {
                Assert.Fail($"element {i} of {actual.Length}: got {a}, expected {expected[i]} (tolerance {tolerance})");
            }
        }
    }
}
