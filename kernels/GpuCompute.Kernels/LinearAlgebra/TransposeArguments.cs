using System.Runtime.InteropServices;

namespace GpuCompute.Kernels.LinearAlgebra;

/// <summary>
/// The arguments of one <see cref="TransposeKernel"/> launch: destination[j, i] ← source[i, j] for a
/// <see cref="Rows"/> × <see cref="Columns"/> block of the source, both sides row-major with an offset and a leading
/// dimension (so the block can sit inside larger matrices).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct TransposeArguments
{
    /// <summary>Creates the arguments of one launch.</summary>
    /// <param name="rows">Rows of the source block (columns of the destination block).</param>
    /// <param name="columns">Columns of the source block (rows of the destination block).</param>
    /// <param name="sourceOffset">Index of the source block's element (0, 0).</param>
    /// <param name="sourceStride">Elements between the starts of consecutive source rows.</param>
    /// <param name="destinationOffset">Index of the destination block's element (0, 0).</param>
    /// <param name="destinationStride">Elements between the starts of consecutive destination rows.</param>
    /// <param name="tile">Side of the square tile one group transposes (at most <see cref="TransposeKernel.MaxTile"/>).</param>
    public TransposeArguments(long rows, long columns, long sourceOffset, long sourceStride, long destinationOffset, long destinationStride, int tile)
    {
        Rows = rows;
        Columns = columns;
        SourceOffset = sourceOffset;
        SourceStride = sourceStride;
        DestinationOffset = destinationOffset;
        DestinationStride = destinationStride;
        Tile = tile;
    }

    /// <summary>Rows of the source block.</summary>
    public long Rows { get; }

    /// <summary>Columns of the source block.</summary>
    public long Columns { get; }

    /// <summary>Index of the source block's first element.</summary>
    public long SourceOffset { get; }

    /// <summary>Source leading dimension.</summary>
    public long SourceStride { get; }

    /// <summary>Index of the destination block's first element.</summary>
    public long DestinationOffset { get; }

    /// <summary>Destination leading dimension.</summary>
    public long DestinationStride { get; }

    /// <summary>Side of a group's square tile.</summary>
    public int Tile { get; }
}
