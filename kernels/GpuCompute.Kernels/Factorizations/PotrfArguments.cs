using System.Runtime.InteropServices;

namespace GpuCompute.Kernels.Factorizations;

/// <summary>The scalar arguments of one <see cref="FactorizationKernels.Potrf{T, TScalar}"/> launch: the Cholesky factor of
/// the lower triangle of an <see cref="Order"/>-square row-major view.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly record struct PotrfArguments(int Order, long Offset, long Leading);
