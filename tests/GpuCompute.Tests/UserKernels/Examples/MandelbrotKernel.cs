using GpuCompute.Kernels;

namespace GpuCompute.Tests.UserKernels.Examples;

/// <summary>
/// Example user kernel: escape-time iteration counts of the Mandelbrot set over a pixel grid covering
/// [left, left + columns·step) × [bottom, bottom + rows·step), one pixel per (row, column).
/// </summary>
public readonly struct MandelbrotKernel(MatrixView<int> counts, double left, double bottom, double step, int maxIterations) : IKernel2D
{
    public void Execute(long row, long column)
    {
        // Pixel centres, in double so the grid is exact for the reference count.
        double cr = left + ((column + 0.5) * step);
        double ci = bottom + ((row + 0.5) * step);
        double zr = 0, zi = 0;
        int n = 0;
        while (n < maxIterations && (zr * zr) + (zi * zi) <= 4)
        {
            double t = (zr * zr) - (zi * zi) + cr;
            zi = (2 * zr * zi) + ci;
            zr = t;
            n++;
        }

        counts[row, column] = n;
    }
}
