using BenchmarkDotNet.Attributes;
using GpuCompute.Bench.Inputs;
using GpuCompute.Backends.Cpu;
using GpuCompute.Matrices;

namespace GpuCompute.Bench.Benchmarks;

/// <summary>
/// What the engine's path (validation, planning, dispatch, report) costs on small products, against calling the CPU
/// device's GEMM directly: small matrices must not get slower because of the scheduler.
/// </summary>
[MemoryDiagnoser]
public class SchedulerOverheadBenchmarks
{
    private ComputeEngine engine = null!;
    private HostMatrix<float> a = null!, b = null!, c = null!;

    [Params(8, 32, 128, 256)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        engine = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu", PersistModels = false });
        a = RandomMatrices.Create<float>(Size, Size, 1);
        b = RandomMatrices.Create<float>(Size, Size, 2);
        c = new HostMatrix<float>(Size, Size);
    }

    [GlobalCleanup]
    public void Cleanup() => engine.Dispose();

    [Benchmark(Baseline = true)]
    public void Direct() => CpuGemm.Multiply(1f, a, Transpose.None, b, Transpose.None, 0f, c, Environment.ProcessorCount);

    [Benchmark]
    public void ThroughEngine() => engine.Gemm(a, b, c);
}
