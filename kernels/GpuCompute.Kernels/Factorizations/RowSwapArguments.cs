using System.Runtime.InteropServices;

namespace GpuCompute.Kernels.Factorizations;

/// <summary>The scalar arguments of one <see cref="PanelKernels.SwapRows{T}"/> launch: <see cref="Count"/> interchanges
/// of row <c>First + p</c> with row <c>pivots[p] − Origin</c> of a row-major view of <see cref="Cols"/> columns at
/// <see cref="Offset"/> with rows <see cref="Leading"/> apart.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly record struct RowSwapArguments(int Cols, int Count, int First, int Origin, long Offset, long Leading);
