using System.Numerics;
using GpuCompute.Data;
using GpuCompute.Operations;
using NUnit.Framework;

namespace GpuCompute.Tests.Operations;

/// <summary>
/// Reductions on every device set (thin subclasses), f32 and f64, against double-precision host sums: sums within
/// (log₂ n + 64)·ε·Σ|terms|, plus NaN, tie, overflow and error cases.
/// </summary>
public abstract class ReductionTests : OperationFixture
{
    [Test]
    public void Sum([ValueSource(nameof(Sizes))] int size, [Values] bool f64)
    {
        if (f64) { Reduce<double>(size, x => Engine.Sum(x), v => v, sum: true); }
        else { Reduce<float>(size, x => Engine.Sum(x), v => v, sum: true); }
    }

    [Test]
    public void Norm1([ValueSource(nameof(Sizes))] int size, [Values] bool f64)
    {
        if (f64) { Reduce<double>(size, x => Engine.Norm1(x), Math.Abs, sum: true); }
        else { Reduce<float>(size, x => Engine.Norm1(x), Math.Abs, sum: true); }
    }

    [Test]
    public void Norm2([ValueSource(nameof(Sizes))] int size, [Values] bool f64)
    {
        if (f64) { Reduce<double>(size, x => Engine.Norm2(x), v => v * v, sum: true, root: true); }
        else { Reduce<float>(size, x => Engine.Norm2(x), v => v * v, sum: true, root: true); }
    }

    [Test]
    public void NormInf([ValueSource(nameof(Sizes))] int size, [Values] bool f64)
    {
        if (f64) { Reduce<double>(size, x => Engine.NormInf(x), Math.Abs, sum: false); }
        else { Reduce<float>(size, x => Engine.NormInf(x), Math.Abs, sum: false); }
    }

    [Test]
    public void Dot([ValueSource(nameof(Sizes))] int size, [Values] bool f64)
    {
        if (f64) { Dot<double>(size); }
        else { Dot<float>(size); }
    }

    [Test]
    public void MinMax([ValueSource(nameof(Sizes))] int size, [Values] bool f64)
    {
        if (Resolve(size) == 0)
        {
            return;
        }

        if (f64) { MinMax<double>(size); }
        else { MinMax<float>(size); }
    }

    [Test]
    public void MinMax_TiesGiveTheFirstIndex([Values] bool f64)
    {
        if (f64) { Ties<double>(); }
        else { Ties<float>(); }
    }

    [Test]
    public void MinMax_NaNGivesTheFirstNaN([Values] bool f64)
    {
        if (f64) { NaNs<double>(); }
        else { NaNs<float>(); }
    }

    [Test]
    public void MinMax_EmptyVector_Throws()
    {
        using DeviceVector<float> x = Engine.AllocateVector<float>(0);
        var e = Assert.Throws<InvalidOperationException>(() => Engine.Min(x))!;
        Assert.That(e.Message, Does.Contain("empty"));
        Assert.Throws<InvalidOperationException>(() => Engine.Max(x));
        Assert.That(Engine.Sum(x), Is.Zero);
        Assert.That(Engine.Norm2(x), Is.Zero);
        Assert.That(Engine.NormInf(x), Is.Zero);
    }

    [Test]
    public void Norm2_HugeAndTinyDoubles_NoOverflowOrUnderflow([Values(2, -1)] int size)
    {
        int n = Resolve(size);
        foreach (double magnitude in new[] { 1e200, 1e-200, 1e-310 })
        {
            var values = new double[n];
            for (int i = 0; i < n; i++)
            {
                values[i] = (i % 2 == 0 ? 3 : -4) * magnitude;
            }

            double expected = magnitude * Math.Sqrt((9.0 * ((n + 1) / 2)) + (16.0 * (n / 2)));
            using DeviceVector<double> x = Upload(values);
            double norm = Engine.Norm2(x);
            Assert.That(norm, Is.EqualTo(expected).Within(1e-12 * expected + 1e-323), $"values of magnitude {magnitude}, n = {n}");
        }
    }

    [Test]
    public void Norm2_HugeFloats_NoOverflow()
    {
        using DeviceVector<float> x = Upload(new[] { 3e30f, -4e30f, 0f });
        Assert.That(Engine.Norm2(x), Is.EqualTo(5e30f).Within(5e30f * 1e-6f));
        using DeviceVector<float> tiny = Upload(new[] { 3e-30f, -4e-30f });
        Assert.That(Engine.Norm2(tiny), Is.EqualTo(5e-30f).Within(5e-30f * 1e-6f));
    }

    [Test]
    public void Sum_OneThenManySmallFloats_BeatsNaiveLoop()
    {
        // 1 + (n − 1)·1e-8: a float loop never moves off 1 (1e-8 is below half an ulp of 1); blocked sums keep it.
        int n = LargeSize;
        var values = new float[n];
        values[0] = 1f;
        values.AsSpan(1).Fill(1e-8f);
        double exact = 1.0 + ((n - 1) * (double)1e-8f);
        float naive = 0;
        foreach (float v in values)
        {
            naive += v;
        }

        double tolerance = (Math.Log2(n) + 64) * Epsilon<float>() * exact;
        Assert.That(Math.Abs(naive - exact), Is.GreaterThan(tolerance), "the naive loop was expected to fail this test");
        using DeviceVector<float> x = Upload(values);
        Assert.That((double)Engine.Sum(x), Is.EqualTo(exact).Within(tolerance));
    }

    [Test]
    public void Dot_MismatchedLengths_MessageNamesBoth()
    {
        using DeviceVector<double> x = Engine.AllocateVector<double>(7);
        using DeviceVector<double> y = Engine.AllocateVector<double>(9);
        var e = Assert.Throws<ArgumentException>(() => Engine.Dot(x, y))!;
        Assert.That(e.Message, Does.Contain("7").And.Contain("9"));
    }

    [Test]
    public void VectorOfAnotherEngine_OrDisposed_Throws()
    {
        using var other = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu", PersistModels = false });
        using DeviceVector<double> foreign = other.AllocateVector<double>(8);
        Assert.Throws<ArgumentException>(() => Engine.Sum(foreign));
        DeviceVector<double> disposed = Engine.AllocateVector<double>(8);
        disposed.Dispose();
        Assert.Throws<ObjectDisposedException>(() => Engine.Norm1(disposed));
        Assert.Throws<ObjectDisposedException>(() => Engine.Max(disposed));
    }

    private void Reduce<T>(int size, Func<DeviceVector<T>, T> run, Func<double, double> term, bool sum, bool root = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = Resolve(size);
        var (values, exact) = Random<T>(n, 21);
        using DeviceVector<T> x = Upload(values);
        double actual = double.CreateTruncating(run(x));
        double[] terms = exact.Select(term).ToArray();
        double expected = sum ? terms.Sum() : terms.DefaultIfEmpty(0).Max();
        double bound = sum ? (Math.Log2(Math.Max(n, 1)) + 64) * Epsilon<T>() * terms.Sum(Math.Abs) : 0;
        if (root)
        {
            expected = Math.Sqrt(expected);
            bound = (bound / Math.Max(2 * expected, double.Epsilon)) + (Epsilon<T>() * expected);
        }

        Assert.That(actual, Is.EqualTo(expected).Within(bound + (Epsilon<T>() * Math.Abs(expected))), $"n = {n}");
    }

    private void Dot<T>(int size)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = Resolve(size);
        var (xs, ex) = Random<T>(n, 22);
        var (ys, ey) = Random<T>(n, 23);
        using DeviceVector<T> x = Upload(xs);
        using DeviceVector<T> y = Engine.UploadVector<T>(ys, x.Layout);
        double actual = double.CreateTruncating(Engine.Dot(x, y));
        double expected = ex.Zip(ey, (a, b) => a * b).Sum();
        double bound = ((Math.Log2(Math.Max(n, 1)) + 64) * Epsilon<T>() * ex.Zip(ey, (a, b) => Math.Abs(a * b)).Sum()) + (Epsilon<T>() * Math.Abs(expected));
        Assert.That(actual, Is.EqualTo(expected).Within(bound), $"n = {n}");
    }

    private void MinMax<T>(int size)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = Resolve(size);
        var (values, exact) = Random<T>(n, 24);
        using DeviceVector<T> x = Upload(values);
        IndexedValue<T> min = Engine.Min(x), max = Engine.Max(x);
        Assert.That(min.Index, Is.EqualTo(Array.IndexOf(exact, exact.Min())));
        Assert.That(max.Index, Is.EqualTo(Array.IndexOf(exact, exact.Max())));
        Assert.That(double.CreateTruncating(min.Value), Is.EqualTo(exact.Min()));
        Assert.That(double.CreateTruncating(max.Value), Is.EqualTo(exact.Max()));
    }

    private void Ties<T>()
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = Resolve(-1);
        var (values, _) = Random<T>(n, 25);
        int first = n / 4, second = (3 * n) / 4;
        values[first] = values[second] = T.CreateTruncating(-5);
        values[first + 1] = values[second - 1] = T.CreateTruncating(5);
        using DeviceVector<T> x = Upload(values);
        Assert.That(Engine.Min(x), Is.EqualTo(new IndexedValue<T>(T.CreateTruncating(-5), first)));
        Assert.That(Engine.Max(x), Is.EqualTo(new IndexedValue<T>(T.CreateTruncating(5), first + 1)));

        // The extreme only in the last part (the second device when split), and −0 below +0.
        var zeros = new T[] { T.Zero, T.NegativeZero, T.One, T.NegativeOne, T.NegativeOne, T.Zero, T.NegativeZero, T.One };
        using DeviceVector<T> z = Upload(zeros);
        Assert.That(Engine.Min(z).Index, Is.EqualTo(3));
        Assert.That(Engine.Max(z).Index, Is.EqualTo(2));
        zeros[2] = zeros[3] = zeros[4] = zeros[7] = T.Zero;
        zeros[6] = T.NegativeZero;
        using DeviceVector<T> onlyZeros = Upload(zeros);
        Assert.That(Engine.Min(onlyZeros).Index, Is.EqualTo(1), "-0 counts as smaller than +0");
        Assert.That(Engine.Max(onlyZeros).Index, Is.EqualTo(0));
    }

    private void NaNs<T>()
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = Resolve(-1);
        var (values, _) = Random<T>(n, 26);
        int first = (2 * n) / 3, second = n - 2;
        values[first] = values[second] = T.NaN;
        values[1] = T.CreateTruncating(-100);
        using DeviceVector<T> x = Upload(values);
        IndexedValue<T> min = Engine.Min(x), max = Engine.Max(x);
        Assert.That(T.IsNaN(min.Value) && min.Index == first, Is.True, $"min was {min}");
        Assert.That(T.IsNaN(max.Value) && max.Index == first, Is.True, $"max was {max}");
        Assert.That(T.IsNaN(Engine.NormInf(x)), Is.True);
        Assert.That(T.IsNaN(Engine.Sum(x)), Is.True);
        Assert.That(T.IsNaN(Engine.Norm2(x)), Is.True);
    }
}
