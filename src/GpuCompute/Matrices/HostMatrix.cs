using System.Numerics;

namespace GpuCompute.Matrices;

/// <summary>
/// A dense row-major matrix of <see cref="float"/> or <see cref="double"/> in host memory, or a view into one.
/// </summary>
/// <remarks>
/// Element (i, j) lives at <c>Data[Offset + i * LeadingDimension + j]</c>. A view made by <see cref="Slice"/> shares
/// the array, so sub-matrices need no copies. The leading dimension is at least the column count.
/// </remarks>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class HostMatrix<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Allocates a zero-filled <paramref name="rows"/> × <paramref name="cols"/> matrix.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative or rows × cols exceeds the largest array.</exception>
    public HostMatrix(int rows, int cols)
    {
        ScalarType.EnsureSupported<T>();
        MatrixGuard.Sizes(rows, cols);
        long count = (long)rows * cols;
        if (count > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(
                nameof(rows), $"A {rows} x {cols} matrix has {count} elements, more than one array holds ({Array.MaxLength}).");
        }

        Data = new T[count];
        Rows = rows;
        Cols = cols;
        LeadingDimension = Math.Max(1, cols);
    }

    /// <summary>Wraps <paramref name="data"/> (no copy) as a row-major matrix with the given leading dimension.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size or the offset is negative, the leading dimension is
    /// smaller than the column count, or the matrix does not fit in the array.</exception>
    public HostMatrix(T[] data, int rows, int cols, int leadingDimension, int offset = 0)
    {
        ScalarType.EnsureSupported<T>();
        ArgumentNullException.ThrowIfNull(data);
        MatrixGuard.Sizes(rows, cols);
        MatrixGuard.Layout(data.Length, rows, cols, leadingDimension, offset);
        Data = data;
        Rows = rows;
        Cols = cols;
        LeadingDimension = leadingDimension;
        Offset = offset;
    }

    /// <summary>The backing array, shared with every view of it.</summary>
    public T[] Data { get; }

    /// <summary>Index in <see cref="Data"/> of element (0, 0).</summary>
    public int Offset { get; }

    /// <summary>Number of rows.</summary>
    public int Rows { get; }

    /// <summary>Number of columns.</summary>
    public int Cols { get; }

    /// <summary>Distance in elements between the starts of consecutive rows (≥ <see cref="Cols"/>).</summary>
    public int LeadingDimension { get; }

    /// <summary>True when the rows are adjacent in memory (no gap between them).</summary>
    public bool IsContiguous => LeadingDimension == Cols || Rows <= 1;

    /// <summary>Gets or sets element (<paramref name="row"/>, <paramref name="col"/>), bounds-checked.</summary>
    public T this[int row, int col]
    {
        get => Data[Index(row, col)];
        set => Data[Index(row, col)] = value;
    }

    /// <summary>The elements of row <paramref name="row"/>.</summary>
    public Span<T> Row(int row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Rows);
        return Data.AsSpan(Offset + (row * LeadingDimension), Cols);
    }

    /// <summary>A view of the <paramref name="rows"/> × <paramref name="cols"/> block at (<paramref name="row"/>,
    /// <paramref name="col"/>), sharing this matrix's memory.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The block does not lie inside this matrix.</exception>
    public HostMatrix<T> Slice(int row, int col, int rows, int cols)
    {
        if (row < 0 || col < 0 || rows < 0 || cols < 0 || (long)row + rows > Rows || (long)col + cols > Cols)
        {
            throw new ArgumentOutOfRangeException(
                nameof(row),
                $"The {rows} x {cols} block at ({row}, {col}) does not lie inside a {Rows} x {Cols} matrix.");
        }

        // An empty view keeps a valid offset so that it never points past the array.
        int offset = rows == 0 || cols == 0 ? Offset : Offset + (row * LeadingDimension) + col;
        return new HostMatrix<T>(Data, rows, cols, LeadingDimension, offset);
    }

    /// <summary>Copies every element of <paramref name="source"/> (same shape) into this matrix.</summary>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public void CopyFrom(HostMatrix<T> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.Rows != Rows || source.Cols != Cols)
        {
            throw new ArgumentException(
                $"Cannot copy a {source.Rows} x {source.Cols} matrix into a {Rows} x {Cols} one.", nameof(source));
        }

        for (int i = 0; i < Rows; i++)
        {
            source.Row(i).CopyTo(Row(i));
        }
    }

    /// <summary>Sets every element to <paramref name="value"/>.</summary>
    public void Fill(T value)
    {
        for (int i = 0; i < Rows; i++)
        {
            Row(i).Fill(value);
        }
    }

    /// <summary>A new contiguous copy of this matrix (or view).</summary>
    public HostMatrix<T> Clone()
    {
        var copy = new HostMatrix<T>(Rows, Cols);
        copy.CopyFrom(this);
        return copy;
    }

    /// <inheritdoc/>
    public override string ToString() => $"HostMatrix<{typeof(T).Name}> {Rows} x {Cols} (ld {LeadingDimension})";

    private int Index(int row, int col)
    {
        if ((uint)row >= (uint)Rows || (uint)col >= (uint)Cols)
        {
            throw new ArgumentOutOfRangeException(
                nameof(row), $"Element ({row}, {col}) is outside a {Rows} x {Cols} matrix.");
        }

        return Offset + (row * LeadingDimension) + col;
    }
}
