using GpuCompute.Kernels;

namespace GpuCompute.Tests.UserKernels.Examples;

/// <summary>
/// Example user kernel: one explicit Euler velocity update of a softened gravitational N-body system (G = 1). Each
/// device updates its own bodies' velocities (rows of an N × 3 matrix) from every body's position and mass, which the
/// launch binds whole (copied to each device).
/// </summary>
/// <remarks>Positions are x, y, z per body, interleaved.</remarks>
public readonly struct NBodyKernel(
    VectorView<double> positions, VectorView<double> masses, MatrixView<double> velocities, double dt, double softening) : IKernel1D
{
    public void Execute(long body)
    {
        double x = positions[3 * body], y = positions[(3 * body) + 1], z = positions[(3 * body) + 2];
        double ax = 0, ay = 0, az = 0;
        for (long other = 0; other < masses.Length; other++)
        {
            double dx = positions[3 * other] - x, dy = positions[(3 * other) + 1] - y, dz = positions[(3 * other) + 2] - z;
            double r2 = (dx * dx) + (dy * dy) + (dz * dz) + (softening * softening);
            double inverse = 1.0 / Math.Sqrt(r2);
            double scale = masses[other] * inverse * inverse * inverse;
            ax += dx * scale;
            ay += dy * scale;
            az += dz * scale;
        }

        velocities[body, 0] += dt * ax;
        velocities[body, 1] += dt * ay;
        velocities[body, 2] += dt * az;
    }
}
