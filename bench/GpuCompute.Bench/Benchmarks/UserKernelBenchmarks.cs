using BenchmarkDotNet.Attributes;
using GpuCompute.Data;
using GpuCompute.Kernels;

namespace GpuCompute.Bench.Benchmarks;

/// <summary>
/// What a user kernel costs on the CPU device: y ← a·x + y over 2^24 floats written as a user kernel (plain C# through
/// ILGPU views), against the built-in SIMD <see cref="ComputeEngine.Axpy{T}"/> (baseline) and a plain parallel loop
/// over arrays.
/// </summary>
[MemoryDiagnoser]
public class UserKernelBenchmarks
{
    private const int Length = 1 << 24;
    private ComputeEngine engine = null!;
    private DeviceVector<float> x = null!, y = null!;
    private float[] hostX = null!, hostY = null!;

    [GlobalSetup]
    public void Setup()
    {
        engine = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu" });
        hostX = Enumerable.Range(0, Length).Select(i => (i % 7) * 0.25f).ToArray();
        hostY = new float[Length];
        x = engine.UploadVector<float>(hostX);
        y = engine.UploadVector<float>(hostY, x.Layout);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        x.Dispose();
        y.Dispose();
        engine.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void BuiltInAxpy() => engine.Axpy(0.5f, x, y);

    [Benchmark]
    public void UserKernelAxpy() => engine.For(x.Layout, part => new AxpyKernel(0.5f, part.View(x), part.View(y)));

    [Benchmark]
    public void PlainParallelLoop() => Parallel.For(0, Length / 65536, chunk =>
    {
        for (int i = chunk * 65536, end = i + 65536; i < end; i++)
        {
            hostY[i] += 0.5f * hostX[i];
        }
    });

    /// <summary>y ← a·x + y as a user kernel.</summary>
    public readonly struct AxpyKernel(float a, VectorView<float> x, VectorView<float> y) : IKernel1D
    {
        /// <inheritdoc/>
        public void Execute(long index) => y[index] += a * x[index];
    }
}
