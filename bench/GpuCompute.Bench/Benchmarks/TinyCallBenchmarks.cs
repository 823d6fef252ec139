using BenchmarkDotNet.Attributes;
using GpuCompute.Bench.Inputs;
using GpuCompute.Data;
using GpuCompute.Matrices;

namespace GpuCompute.Bench.Benchmarks;

/// <summary>
/// What one call costs when there is almost no work: an 8³ GEMM on host matrices, an axpy and a sum over 16 elements
/// of device-resident data, on the CPU device. The engine's own overhead (validation, planning, the executor, spans and
/// metrics with no listener) is what these measure.
/// </summary>
[MemoryDiagnoser]
public class TinyCallBenchmarks
{
    private ComputeEngine engine = null!;
    private HostMatrix<float> a = null!, b = null!, c = null!;
    private DeviceVector<float> x = null!, y = null!;

    [GlobalSetup]
    public void Setup()
    {
        engine = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu", PersistModels = false });
        a = RandomMatrices.Create<float>(8, 8, 1);
        b = RandomMatrices.Create<float>(8, 8, 2);
        c = new HostMatrix<float>(8, 8);
        x = engine.UploadVector<float>(RandomMatrices.Create<float>(1, 16, 3).Data);
        y = engine.UploadVector<float>(RandomMatrices.Create<float>(1, 16, 4).Data, x.Layout);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        x.Dispose();
        y.Dispose();
        engine.Dispose();
    }

    [Benchmark]
    public void Gemm8() => engine.Gemm(a, b, c);

    [Benchmark]
    public void Axpy16() => engine.Axpy(0.5f, x, y);

    [Benchmark]
    public float Sum16() => engine.Sum(x);
}
