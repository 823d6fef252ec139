using System.Runtime.InteropServices;

namespace GpuCompute.Kernels.Factorizations;

/// <summary>A row-major view in a buffer for the panel kernels: element (i, j) of the <see cref="Rows"/> ×
/// <see cref="Cols"/> view at <c>Offset + i·Leading + j</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly record struct PanelArguments(int Rows, int Cols, long Offset, long Leading);
