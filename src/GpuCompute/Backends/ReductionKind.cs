namespace GpuCompute.Backends;

/// <summary>The reductions the engine computes.</summary>
internal enum ReductionKind
{
    /// <summary>Σ x.</summary>
    Sum,

    /// <summary>Σ x·y.</summary>
    Dot,

    /// <summary>Σ |x|.</summary>
    AbsSum,

    /// <summary>Σ (s·x)².</summary>
    SquareSum,

    /// <summary>max |x| (NaN if any is NaN).</summary>
    MaxAbs,
}
