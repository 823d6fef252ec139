using BenchmarkDotNet.Attributes;
using GpuCompute.Bench.Baselines;
using GpuCompute.Bench.Inputs;
using GpuCompute.Backends.Cpu;
using GpuCompute.Matrices;

namespace GpuCompute.Bench.Cpu;

/// <summary>
/// The managed CPU GEMM (C ← A·B, square n × n × n, all cores) against the system OpenBLAS with its AVX-512
/// (SkylakeX) kernels, the ratio column relative to OpenBLAS. Throughput in GFLOP/s is 2n³ / mean time.
/// </summary>
[MemoryDiagnoser]
public class CpuGemmBenchmarks
{
    private SystemBlas? _blas;
    private HostMatrix<float> _a32 = null!, _b32 = null!, _c32 = null!;
    private HostMatrix<double> _a64 = null!, _b64 = null!, _c64 = null!;

    /// <summary>Operand precision.</summary>
    public enum Precision
    {
        /// <summary>float (f32).</summary>
        Single,

        /// <summary>double (f64).</summary>
        Double,
    }

    /// <summary>n of the n × n × n product.</summary>
    [Params(256, 1024, 2048)]
    public int Size { get; set; }

    /// <summary>Element type.</summary>
    [Params(Precision.Single, Precision.Double)]
    public Precision Type { get; set; }

    /// <summary>Threads for both libraries: every core.</summary>
    public int Threads { get; set; } = Environment.ProcessorCount;

    [GlobalSetup]
    public void Setup()
    {
        // OPENBLAS_CORETYPE must reach the native environment before libopenblas loads: TryLoad does that.
        _blas = SystemBlas.TryLoad("SkylakeX", out string whyNot);
        if (_blas is null)
        {
            Console.WriteLine($"// OpenBLAS baseline unavailable: {whyNot}");
        }

        _blas?.SetThreads(Threads);
        var random = new Random(42);
        _a32 = RandomMatrices.Create<float>(Size, Size, random);
        _b32 = RandomMatrices.Create<float>(Size, Size, random);
        _c32 = new HostMatrix<float>(Size, Size);
        _a64 = RandomMatrices.Create<double>(Size, Size, random);
        _b64 = RandomMatrices.Create<double>(Size, Size, random);
        _c64 = new HostMatrix<double>(Size, Size);
    }

    [Benchmark(Baseline = true, Description = "OpenBLAS")]
    public void OpenBlas()
    {
        SystemBlas blas = _blas ?? throw new InvalidOperationException("OpenBLAS is not installed (apt-get install libopenblas0-pthread).");
        if (Type == Precision.Single)
        {
            blas.Sgemm(1f, _a32, Transpose.None, _b32, Transpose.None, 0f, _c32);
        }
        else
        {
            blas.Dgemm(1.0, _a64, Transpose.None, _b64, Transpose.None, 0.0, _c64);
        }
    }

    [Benchmark(Description = "CpuGemm")]
    public void Managed()
    {
        if (Type == Precision.Single)
        {
            CpuGemm.Multiply(1f, _a32, Transpose.None, _b32, Transpose.None, 0f, _c32, Threads);
        }
        else
        {
            CpuGemm.Multiply(1.0, _a64, Transpose.None, _b64, Transpose.None, 0.0, _c64, Threads);
        }
    }
}
