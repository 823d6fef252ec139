using BenchmarkDotNet.Attributes;
using GpuCompute.Bench.Inputs;
using GpuCompute.Matrices;

namespace GpuCompute.Bench.Benchmarks;

/// <summary>End-to-end engine GEMM (planning, scheduling, tiles) on the default devices, f32 and f64.</summary>
[MemoryDiagnoser]
public class EngineGemmBenchmarks
{
    private ComputeEngine engine = null!;
    private HostMatrix<float> a32 = null!, b32 = null!, c32 = null!;
    private HostMatrix<double> a64 = null!, b64 = null!, c64 = null!;

    [Params(256, 1024, 2048)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        engine = new ComputeEngine();
        var random = new Random(1);
        a32 = RandomMatrices.Create<float>(Size, Size, random);
        b32 = RandomMatrices.Create<float>(Size, Size, random);
        c32 = new HostMatrix<float>(Size, Size);
        a64 = RandomMatrices.Create<double>(Size, Size, random);
        b64 = RandomMatrices.Create<double>(Size, Size, random);
        c64 = new HostMatrix<double>(Size, Size);
        engine.Gemm(a32, b32, c32);
        engine.Gemm(a64, b64, c64);
    }

    [GlobalCleanup]
    public void Cleanup() => engine.Dispose();

    [Benchmark(Baseline = true)]
    public void GemmF32() => engine.Gemm(a32, b32, c32);

    [Benchmark]
    public void GemmF64() => engine.Gemm(a64, b64, c64);
}
