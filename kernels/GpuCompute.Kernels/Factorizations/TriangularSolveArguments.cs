using System.Runtime.InteropServices;

namespace GpuCompute.Kernels.Factorizations;

/// <summary>
/// The scalar arguments of one <see cref="FactorizationKernels.Solve{T, TScalar}"/> launch: B ← M⁻¹·B for a triangular M of
/// order <see cref="Order"/> and <see cref="Vectors"/> independent right-hand sides. Element (i, p) of M is at
/// <c>MOffset + i·MRowStride + p·MColumnStride</c> (so Lᵀ is L with its strides swapped); element i of right-hand side
/// v at <c>BOffset + v·VectorStride + i·ElementStride</c> (B's columns: stride 1 between vectors; B's rows: stride 1
/// within one).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly record struct TriangularSolveArguments(
    int Order,
    long Vectors,
    long FirstVector,
    long MOffset,
    long MRowStride,
    long MColumnStride,
    long BOffset,
    long VectorStride,
    long ElementStride,
    int Backward,
    int UnitDiagonal);
