namespace GpuCompute.Matrices;

/// <summary>Argument checks for matrix shapes and layouts, with messages that name the sizes.</summary>
internal static class MatrixGuard
{
    public static void Sizes(int rows, int cols)
    {
        if (rows < 0 || cols < 0)
        {
            throw new ArgumentOutOfRangeException(
                rows < 0 ? nameof(rows) : nameof(cols), $"Matrix sizes must be non-negative; got {rows} x {cols}.");
        }
    }

    public static void Layout(int length, int rows, int cols, int leadingDimension, int offset)
    {
        if (leadingDimension < Math.Max(1, cols))
        {
            throw new ArgumentOutOfRangeException(
                nameof(leadingDimension),
                $"The leading dimension {leadingDimension} is smaller than the {cols} columns of a {rows} x {cols} matrix (it must be at least max(1, cols)).");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        long extent = rows == 0 || cols == 0 ? 0 : ((long)(rows - 1) * leadingDimension) + cols;
        if (offset + extent > length)
        {
            throw new ArgumentOutOfRangeException(
                nameof(length),
                $"A {rows} x {cols} matrix with leading dimension {leadingDimension} at offset {offset} needs {offset + extent} elements; the array has {length}.");
        }
    }
}
