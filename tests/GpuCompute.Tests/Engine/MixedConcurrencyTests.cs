using System.Collections.Concurrent;
using GpuCompute.Data;
using GpuCompute.Kernels;
using GpuCompute.Matrices;
using GpuCompute.Tests.Support;
using GpuCompute.Verification;
using NUnit.Framework;

namespace GpuCompute.Tests.Engine;

/// <summary>
/// One engine under many callers: 8 threads × 50 mixed calls (host GEMM, device-resident element-wise, reductions,
/// GEMV, device GEMM, user kernels), every result checked; and Dispose while calls are in flight, which each caller
/// sees as <see cref="ObjectDisposedException"/>, never a crash, a wrong result or a hang.
/// </summary>
public sealed class MixedConcurrencyTests
{
    private const int Threads = 8, CallsPerThread = 50;

    [TestCase("cpu")]
    [TestCase("cpu,ilgpu-cpu")]
    public void MixedCalls_EightThreads_EveryResultRight(string devices)
    {
        using var engine = new ComputeEngine(new ComputeEngineOptions { Devices = devices, PersistModels = false });
        var failures = new ConcurrentBag<string>();
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, t =>
        {
            for (int call = 0; call < CallsPerThread; call++)
            {
                string? failure = Call(engine, (t * CallsPerThread) + call);
                if (failure is not null)
                {
                    failures.Add($"thread {t}, call {call}: {failure}");
                }
            }
        });

        Assert.That(failures, Is.Empty);
    }

    [Test]
    public void Dispose_WhileEightThreadsCall_EachSeesObjectDisposedAndNoneHangs()
    {
        var engine = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu,ilgpu-cpu", PersistModels = false });
        var unexpected = new ConcurrentBag<string>();
        int disposedSeen = 0;
        var callers = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            for (int call = 0; ; call++)
            {
                try
                {
                    if (Call(engine, (t * 1000) + call) is string wrong)
                    {
                        unexpected.Add($"thread {t}: wrong result before Dispose: {wrong}");
                    }
                }
                catch (ObjectDisposedException)
                {
                    Interlocked.Increment(ref disposedSeen);
                    return;
                }
                catch (Exception e)
                {
                    unexpected.Add($"thread {t}: {e.GetType().Name}: {e.Message}");
                    return;
                }
            }
        })).ToArray();

        foreach (Thread caller in callers)
        {
            caller.Start();
        }

        Thread.Sleep(300);
        engine.Dispose();
        Assert.That(callers.All(c => c.Join(TimeSpan.FromSeconds(60))), Is.True, "every caller returned");
        Assert.That(unexpected, Is.Empty);
        Assert.That(disposedSeen, Is.EqualTo(Threads));
    }

    /// <summary>One call of a kind chosen by <paramref name="n"/>, on fresh data; returns what was wrong, or null.</summary>
    private static string? Call(ComputeEngine engine, int n)
    {
        var random = new Random(n);
        int size = 16 + random.Next(48);
        switch (n % 6)
        {
            case 0:
            {
                HostMatrix<double> a = TestMatrices.Random<double>(size, 20, n), b = TestMatrices.Random<double>(20, 17, n + 1), c = TestMatrices.Random<double>(size, 17, n + 2);
                ReferenceGemm.Expected expected = ReferenceGemm.Compute(1.5, a, Transpose.None, b, Transpose.None, 0.5, c);
                engine.Gemm(1.5, a, Transpose.None, b, Transpose.None, 0.5, c);
                return expected.FirstMismatch(c);
            }

            case 1:
            {
                double[] x = Values(random, size), y = Values(random, size);
                using DeviceVector<double> dx = engine.UploadVector<double>(x), dy = engine.UploadVector<double>(y, dx.Layout);
                engine.Axpy(2.0, dx, dy);
                double[] got = dy.ToArray();
                return Enumerable.Range(0, size).Any(i => Math.Abs(got[i] - Math.FusedMultiplyAdd(2.0, x[i], y[i])) > 1e-15) ? "axpy" : null;
            }

            case 2:
            {
                double[] x = Values(random, size);
                using DeviceVector<double> dx = engine.UploadVector<double>(x);
                double sum = engine.Sum(dx);
                return Math.Abs(sum - x.Sum()) > 1e-12 ? $"sum {sum} vs {x.Sum()}" : null;
            }

            case 3:
            {
                HostMatrix<double> a = TestMatrices.Random<double>(size, 9, n);
                double[] x = Values(random, 9);
                using DeviceMatrix<double> da = engine.UploadMatrix(a);
                using DeviceVector<double> dx = engine.UploadVector<double>(x), dy = engine.AllocateVector<double>(size, da.Layout);
                engine.Gemv(1.0, da, dx, 0.0, dy);
                double[] got = dy.ToArray();
                return Enumerable.Range(0, size).Any(i => Math.Abs(got[i] - Enumerable.Range(0, 9).Sum(j => a[i, j] * x[j])) > 1e-12) ? "gemv" : null;
            }

            case 4:
            {
                HostMatrix<double> a = TestMatrices.Random<double>(size, 12, n), b = TestMatrices.Random<double>(12, 10, n + 1);
                using DeviceMatrix<double> da = engine.UploadMatrix(a), db = engine.UploadMatrix(b), dc = engine.AllocateMatrix<double>(size, 10, da.Layout);
                engine.Gemm(da, db, dc);
                return ReferenceGemm.Compute(1.0, a, Transpose.None, b, Transpose.None, 0.0, new HostMatrix<double>(size, 10)).FirstMismatch(dc.ToHostMatrix());
            }

            default:
            {
                double[] x = Values(random, size);
                using DeviceVector<double> dx = engine.UploadVector<double>(x);
                engine.For(dx.Layout, part => new Negate(part.View(dx)));
                double[] got = dx.ToArray();
                return Enumerable.Range(0, size).Any(i => got[i] != -x[i]) ? "user kernel" : null;
            }
        }
    }

    private static double[] Values(Random random, int n) => Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.5).ToArray();

    /// <summary>v ← −v (public, so ILGPU can compile it).</summary>
    public readonly struct Negate(VectorView<double> v) : IKernel1D
    {
        public void Execute(long index) => v[index] = -v[index];
    }
}
