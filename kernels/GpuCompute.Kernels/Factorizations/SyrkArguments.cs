using System.Runtime.InteropServices;

namespace GpuCompute.Kernels.Factorizations;

/// <summary>The scalar arguments of one <see cref="FactorizationKernels.SyrkLower{T, TScalar}"/> launch: C ← C − A·Aᵀ on the
/// lower triangle of C (<see cref="Order"/> square) for A (Order × <see cref="Depth"/>), row-major views.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly record struct SyrkArguments(int Order, int Depth, long AOffset, long ALeading, long COffset, long CLeading);
