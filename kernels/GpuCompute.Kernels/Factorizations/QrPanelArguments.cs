using System.Runtime.InteropServices;

namespace GpuCompute.Kernels.Factorizations;

/// <summary>The views of one <see cref="PanelKernels.QrColumns{T, TScalar}"/> launch: the panel A, its V (A's shape)
/// and its T (A's columns square).</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly record struct QrPanelArguments(PanelArguments A, PanelArguments V, PanelArguments T);
