using System.Runtime.InteropServices;

namespace GpuCompute.Kernels.Gemm;

/// <summary>
/// Four consecutive elements read as one value: loading it from a shared-memory view cast to
/// <see cref="RegisterQuad{T}"/> compiles to one vector load (<c>ld.shared.v4.f32</c>, or two <c>ld.shared.v2.f64</c>),
/// and ILGPU aligns the shared allocation to the quad's size.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
[StructLayout(LayoutKind.Sequential)]
internal struct RegisterQuad<T>
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
}
