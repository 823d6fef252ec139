using BenchmarkDotNet.Attributes;
using GpuCompute.Bench.Operations;

namespace GpuCompute.Bench.Benchmarks;

/// <summary>
/// The device-resident operations (the <c>op</c> command's cases) on the default devices, f32: memory-bound ones at a
/// size far above the caches (2^24 elements, 64 MiB per vector), gemv and transpose at 4096², batched GEMM at
/// 10,000 32×32 products. Inputs are uploaded and kernels warmed in the setup; each benchmark blocks until done.
/// </summary>
[MemoryDiagnoser]
public class OperationBenchmarks
{
    private ComputeEngine engine = null!;
    private OpCase operation = null!;

    [Params("axpy", "add", "dot", "sum", "nrm2", "gemv", "transpose", "batched-gemm")]
    public string Op { get; set; } = "axpy";

    [GlobalSetup]
    public void Setup()
    {
        engine = new ComputeEngine();
        long size = Op switch { "gemv" or "transpose" => 4096, "batched-gemm" => 32, _ => 1L << 24 };
        operation = OpCases.Create<float>(engine, Op, size, batch: 10_000, seed: 1);
        operation.Run();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        operation.Resources.Dispose();
        engine.Dispose();
    }

    [Benchmark]
    public void Run() => operation.Run();
}
