namespace GpuCompute.Backends.Cpu;

/// <summary>Which SIMD micro-kernel family the CPU GEMM runs; tests force each one to cover every path.</summary>
internal enum CpuKernelPath
{
    /// <summary>The widest path the hardware accelerates (512-bit, then 256-bit with FMA, then scalar).</summary>
    Auto = 0,

    /// <summary>AVX-512 micro-kernels on <see cref="System.Runtime.Intrinsics.Vector512{T}"/>.</summary>
    Vector512 = 1,

    /// <summary>AVX2 + FMA micro-kernels on <see cref="System.Runtime.Intrinsics.Vector256{T}"/>.</summary>
    Vector256 = 2,

    /// <summary>Portable scalar micro-kernels: the always-available fallback.</summary>
    Scalar = 3,
}
