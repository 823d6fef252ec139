using System.Runtime.InteropServices;

namespace GpuCompute.Kernels.Gemm;

/// <summary>
/// Eight values held in registers: one row of a thread's 8 × 8 accumulator tile, or eight operand values. A struct of
/// named fields (not an array) so ILGPU keeps every element in a register instead of local memory.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
[StructLayout(LayoutKind.Sequential)]
internal struct RegisterRow<T>
    where T : unmanaged
{
    /// <summary>Element 0.</summary>
    public T V0;

    /// <summary>Element 1.</summary>
    public T V1;

    /// <summary>Element 2.</summary>
    public T V2;

    /// <summary>Element 3.</summary>
    public T V3;

    /// <summary>Element 4.</summary>
    public T V4;

    /// <summary>Element 5.</summary>
    public T V5;

    /// <summary>Element 6.</summary>
    public T V6;

    /// <summary>Element 7.</summary>
    public T V7;
}
