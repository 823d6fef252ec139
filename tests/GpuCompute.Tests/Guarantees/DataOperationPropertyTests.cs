using CsCheck;
using GpuCompute.Data;
using NUnit.Framework;

namespace GpuCompute.Tests.Guarantees;

/// <summary>
/// Element-wise operations, reductions and transposes over random lengths, shapes and splits across the devices
/// (CsCheck shrinks a failure to a minimal case), against double-precision references: on the CPU device, the emulator
/// and both at once.
/// </summary>
[TestFixture("cpu", 3000, 40)]
[TestFixture("ilgpu-cpu", 300, 12)]
[TestFixture("cpu,ilgpu-cpu", 600, 15)]
public sealed class DataOperationPropertyTests(string devices, int maxLength, int iterations)
{
    private ComputeEngine engine = null!;

    [OneTimeSetUp]
    public void CreateEngine() => engine = new ComputeEngine(new ComputeEngineOptions { Devices = devices, PersistModels = false });

    [OneTimeTearDown]
    public void DisposeEngine() => engine.Dispose();

    /// <summary>A split of <paramref name="count"/> items across the engine's devices by random weights (a device may get none).</summary>
    private DataLayout Split(long count, int weights) =>
        engine.Devices.Count == 1 ? engine.Layout(count, engine.Devices)
        : engine.Layout(count, engine.Devices, [(weights % 4) + 0.0, 1.0 + (weights / 4 % 3)]);

    [Test]
    public void Elementwise_RandomLengthAndSplit_MatchesDoubleReference()
    {
        Gen.Select(Gen.Int[0, maxLength], Gen.Int[0, 11], Gen.Int, Gen.Double[-3, 3]).Sample(
            (n, weights, seed, alpha) =>
            {
                var random = new Random(seed);
                float[] x = Values(random, n), y = Values(random, n), z = Values(random, n);
                DataLayout layout = Split(n, weights);
                using DeviceVector<float> dx = engine.UploadVector<float>(x, layout), dy = engine.UploadVector<float>(y, layout), dz = engine.UploadVector<float>(z, layout);
                using DeviceVector<float> r = engine.AllocateVector<float>(n, layout);
                float a = (float)alpha;

                Check(() => engine.Add(dx, dy, r), r, i => (double)x[i] + y[i], $"add n={n} {layout}");
                Check(() => engine.PointwiseMultiply(dx, dy, r), r, i => (double)x[i] * y[i], $"multiply n={n} {layout}");
                // Fused on the CPU device, a·b + c (two roundings) on the emulator: bounded by the terms' magnitudes.
                Check(() => engine.MultiplyAdd(dx, dy, dz, r), r, i => ((double)x[i] * y[i]) + z[i], $"multiply-add n={n} {layout}", i => Math.Abs((double)x[i] * y[i]) + Math.Abs(z[i]));
                Check(() => engine.Scale(a, dx, r), r, i => (double)a * x[i], $"scale n={n} {layout}");
                Check(() => engine.Relu(dx, r), r, i => Math.Max(x[i], 0), $"relu n={n} {layout}");
                Check(() => engine.Copy(dz, r), r, i => z[i], $"copy n={n} {layout}");
                engine.Axpy(a, dx, dy);
                float[] got = dy.ToArray();
                for (int i = 0; i < n; i++)
                {
                    double want = ((double)a * x[i]) + y[i];
                    Assert.That(got[i], Is.EqualTo(want).Within(1.2e-7 * (Math.Abs(a * x[i]) + Math.Abs(y[i])) + 1e-38), $"axpy n={n} {layout}: y[{i}]");
                }
            },
            iter: iterations,
            threads: 1);
    }

    [Test]
    public void Reductions_RandomLengthAndSplit_MatchCompensatedReference()
    {
        Gen.Select(Gen.Int[1, maxLength], Gen.Int[0, 11], Gen.Int).Sample(
            (n, weights, seed) =>
            {
                var random = new Random(seed);
                double[] x = Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.3).ToArray(), y = Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.7).ToArray();
                DataLayout layout = Split(n, weights);
                using DeviceVector<double> dx = engine.UploadVector<double>(x, layout), dy = engine.UploadVector<double>(y, layout);
                double bound = (32 + Math.Log2(n)) * 1.2e-16;
                string where = $"n={n} {layout}";

                Assert.That(engine.Sum(dx), Is.EqualTo(x.Sum()).Within(bound * x.Sum(Math.Abs)), $"sum {where}");
                Assert.That(engine.Dot(dx, dy), Is.EqualTo(x.Zip(y, (a, b) => a * b).Sum()).Within(bound * x.Zip(y, (a, b) => Math.Abs(a * b)).Sum()), $"dot {where}");
                Assert.That(engine.Norm1(dx), Is.EqualTo(x.Sum(Math.Abs)).Within(bound * x.Sum(Math.Abs)), $"norm1 {where}");
                Assert.That(engine.Norm2(dx), Is.EqualTo(Math.Sqrt(x.Sum(v => v * v))).Within(bound * Math.Sqrt(x.Sum(v => v * v))), $"norm2 {where}");
                Assert.That(engine.NormInf(dx), Is.EqualTo(x.Max(Math.Abs)), $"normInf {where}");
                Assert.That(engine.Max(dx).Index, Is.EqualTo(Array.IndexOf(x, x.Max())), $"max {where}");
                Assert.That(engine.Min(dx).Index, Is.EqualTo(Array.IndexOf(x, x.Min())), $"min {where}");
            },
            iter: iterations,
            threads: 1);
    }

    [Test]
    public void Transpose_RandomShapeAndSplits_IsExact()
    {
        int side = (int)Math.Sqrt(maxLength) + 8;
        Gen.Select(Gen.Int[0, side], Gen.Int[0, side], Gen.Int[0, 11], Gen.Int[0, 11], Gen.Int).Sample(
            (m, n, rowWeights, resultWeights, seed) =>
            {
                var random = new Random(seed);
                double[] a = Enumerable.Range(0, m * n).Select(_ => random.NextDouble()).ToArray();
                using DeviceMatrix<double> da = engine.AllocateMatrix<double>(m, n, Split(m, rowWeights)), dt = engine.AllocateMatrix<double>(n, m, Split(n, resultWeights));
                da.CopyFromHost(a);

                engine.Transpose(da, dt);

                double[] t = dt.ToArray();
                for (int i = 0; i < m; i++)
                {
                    for (int j = 0; j < n; j++)
                    {
                        Assert.That(t[(j * m) + i], Is.EqualTo(a[(i * n) + j]), $"{m} x {n}, A on {da.Layout}, result on {dt.Layout}: element ({i}, {j})");
                    }
                }
            },
            iter: iterations,
            threads: 1);
    }

    /// <summary>Runs an operation and checks each element within 2 units of roundoff of <paramref name="magnitude"/>
    /// (the result itself, for operations rounded once).</summary>
    private static void Check(Action run, DeviceVector<float> result, Func<int, double> reference, string what, Func<int, double>? magnitude = null)
    {
        run();
        float[] got = result.ToArray();
        for (int i = 0; i < got.Length; i++)
        {
            double want = reference(i);
            Assert.That(got[i], Is.EqualTo(want).Within((1.2e-7 * (magnitude?.Invoke(i) ?? Math.Abs(want))) + 1e-38), $"{what}: element {i}");
        }
    }

    private static float[] Values(Random random, int n) => Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 4) - 2)).ToArray();
}
