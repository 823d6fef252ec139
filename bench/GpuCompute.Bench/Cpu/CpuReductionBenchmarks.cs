using BenchmarkDotNet.Attributes;
using GpuCompute.Backends;
using GpuCompute.Backends.Cpu;

namespace GpuCompute.Bench.Cpu;

/// <summary>
/// The CPU device's reductions on a pinned vector far above the caches (2^24 elements, all cores): our SIMD cores
/// against the <see cref="System.Numerics.Tensors.TensorPrimitives"/> per-block path they replaced (the baseline),
/// in the same process, so the ratio column is what the cores gained on the same memory.
/// </summary>
public class CpuReductionBenchmarks
{
    private float[] _x32 = null!, _y32 = null!;
    private double[] _x64 = null!, _y64 = null!;

    /// <summary>The reduction: a <see cref="ReductionKind"/>, or Min for the arg-min.</summary>
    [Params("Sum", "Dot", "AbsSum", "SquareSum", "MaxAbs", "Min")]
    public string Op { get; set; } = "Sum";

    /// <summary>Element type: f32 or f64.</summary>
    [Params("f32", "f64")]
    public string Precision { get; set; } = "f32";

    /// <summary>Vector length.</summary>
    public int Size { get; set; } = 1 << 24;

    /// <summary>Threads: every core.</summary>
    public int Threads { get; set; } = Environment.ProcessorCount;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        _x32 = GC.AllocateUninitializedArray<float>(Size, pinned: true);
        _y32 = GC.AllocateUninitializedArray<float>(Size, pinned: true);
        _x64 = GC.AllocateUninitializedArray<double>(Size, pinned: true);
        _y64 = GC.AllocateUninitializedArray<double>(Size, pinned: true);
        for (int i = 0; i < Size; i++)
        {
            _x32[i] = (float)(_x64[i] = (random.NextDouble() * 2) - 1);
            _y32[i] = (float)(_y64[i] = (random.NextDouble() * 2) - 1);
        }
    }

    [Benchmark(Baseline = true, Description = "TensorPrimitives")]
    public double TensorPrimitivesPerBlock() => Run(CpuReductions.Core.TensorPrimitives);

    [Benchmark(Description = "SIMD cores")]
    public double SimdCores() => Run(CpuReductions.Core.Best);

    private double Run(CpuReductions.Core core) => Precision == "f32" ? Run(_x32, _y32, core) : Run(_x64, _y64, core);

    private double Run<T>(T[] x, T[] y, CpuReductions.Core core)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        if (Op == "Min")
        {
            return CpuReductions.Extreme(x, max: false, Threads, core).Index;
        }

        var kind = Enum.Parse<ReductionKind>(Op);
        return CpuReductions.Reduce(kind, x, kind == ReductionKind.Dot ? y : null, T.One, Threads, core);
    }
}
