using ILGPU.IR.Intrinsics;

namespace GpuCompute.Kernels.Intrinsics;

/// <summary>
/// Arithmetic that ILGPU 1.5.3 has no kernel mapping for. On the CPU (and the emulator) these run as written; a
/// context built with <see cref="KernelIntrinsics.EnableKernelIntrinsics"/> compiles them to single PTX instructions.
/// </summary>
/// <remarks>Marked as ILGPU intrinsics so ILGPU never inlines them: a GPU context without
/// <see cref="KernelIntrinsics.EnableKernelIntrinsics"/> fails to compile kernels that use them.</remarks>
public static class KernelMath
{
    /// <summary>Returns a·b + c: one <c>fma.rn.f32</c> (rounded once) on CUDA, a·b + c elsewhere.</summary>
    /// <param name="a">The first factor.</param>
    /// <param name="b">The second factor.</param>
    /// <param name="c">The addend.</param>
    /// <returns>a·b + c.</returns>
    [IntrinsicImplementation]
    public static float MultiplyAdd(float a, float b, float c) => (a * b) + c;

    /// <summary>Returns a·b + c: one <c>fma.rn.f64</c> (rounded once) on CUDA, a·b + c elsewhere.</summary>
    /// <param name="a">The first factor.</param>
    /// <param name="b">The second factor.</param>
    /// <param name="c">The addend.</param>
    /// <returns>a·b + c.</returns>
    [IntrinsicImplementation]
    public static double MultiplyAdd(double a, double b, double c) => (a * b) + c;
}
