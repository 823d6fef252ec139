using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.IR.Intrinsics;
using ILGPU.Runtime;

namespace GpuCompute.Kernels;

/// <summary>
/// Element access for <see cref="VectorView{T}"/> and <see cref="MatrixView{T}"/> that is cheap on the host: plain C# on
/// the CPU device reads host memory through a raw address, skipping <see cref="ArrayView{T}"/>'s per-access checks (two
/// asserts and a buffer lookup, which made CPU kernels about 5× slower). GPU backends never see the pointer code:
/// <see cref="Intrinsics.KernelIntrinsics.EnableKernelIntrinsics"/> redirects <see cref="Element{T}"/> to
/// <see cref="ViewElement{T}"/>.
/// </summary>
internal static class HostAddress
{
    /// <summary>The address of <paramref name="view"/>'s first element if it is host memory (a CPU buffer), else 0.</summary>
    public static unsafe long Of<T>(ArrayView<T> view)
        where T : unmanaged =>
        view.IsValid && view.Length > 0 && view.GetAcceleratorType() == AcceleratorType.CPU
            ? (long)Unsafe.AsPointer(ref view[0])
            : 0;

    /// <summary>Element <paramref name="index"/> of <paramref name="data"/>, through <paramref name="address"/> when it is
    /// not 0 (the view is host memory read by host code).</summary>
    [IntrinsicImplementation]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe ref T Element<T>(long address, ArrayView<T> data, long index)
        where T : unmanaged
    {
        if (address != 0)
        {
            return ref Unsafe.Add(ref Unsafe.AsRef<T>((void*)address), (nint)index);
        }

        return ref data[index];
    }

    /// <summary>What <see cref="Element{T}"/> compiles to in GPU kernels: a plain view access.</summary>
    public static ref T ViewElement<T>(long address, ArrayView<T> data, long index)
        where T : unmanaged
    {
        _ = address;
        return ref data[index];
    }
}
