using GpuCompute.Data;
using GpuCompute.Backends.Ilgpu;
using GpuCompute.Tests.UserKernels.Examples;
using GpuCompute.Tests.Support;
using NUnit.Framework;

namespace GpuCompute.Tests.UserKernels;

/// <summary>
/// User kernels written once and run on every device set by thin subclasses: plain C# on the CPU device, ILGPU's
/// emulator, both at once, and CUDA/OpenCL when present. Every result is checked against a host computation.
/// </summary>
public abstract class UserKernelTests : DeviceSetFixture
{
    /// <summary>Scale for work sizes: the emulator runs one OS thread per simulated thread, so it gets small grids.</summary>
    protected virtual int Scale => 4;

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(15)]
    [TestCase(16)]
    [TestCase(17)]
    [TestCase(2047)]
    [TestCase(2049)]
    [TestCase(10_007)]
    public void For_Saxpy_MatchesHostLoop(int length)
    {
        float[] x = Random(length, 1), y = Random(length, 2);
        using DeviceVector<float> dx = Engine.UploadVector<float>(x, Even(length));
        using DeviceVector<float> dy = Engine.UploadVector<float>(y, dx.Layout);

        Engine.For(dx.Layout, part => new SaxpyKernel(2.5f, part.View(dx), part.View(dy)));

        float[] result = dy.ToArray();
        for (int i = 0; i < length; i++)
        {
            Assert.That(result[i], Is.EqualTo((2.5f * x[i]) + y[i]).Within(1e-6f * (1 + Math.Abs(y[i]))), $"y[{i}]");
        }
    }

    [Test]
    public void For2D_Mandelbrot_MatchesHostAndKnownArea()
    {
        // The set lies in [-2, 0.5] × [-1.25, 1.25]; its area is 1.50659… (Förstemann's pixel counts).
        int columns = 100 * Scale, rows = 100 * Scale, maxIterations = 250 * Scale;
        double step = 2.5 / columns;
        using DeviceMatrix<int> counts = Engine.AllocateMatrix<int>(rows, columns, Even(rows));

        Engine.For2D(counts.Layout, columns, part => new MandelbrotKernel(part.View(counts), -2.0, -1.25, step, maxIterations));

        int[] image = counts.ToArray();
        var reference = new int[rows * columns];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                reference[(r * columns) + c] = Escape(-2.0 + ((c + 0.5) * step), -1.25 + ((r + 0.5) * step), maxIterations);
            }
        }

        int differing = image.Zip(reference).Count(p => p.First != p.Second);
        Assert.That(differing, Is.LessThanOrEqualTo(image.Length / 1000), "pixels whose count differs from the host's (FMA contraction on GPUs may move boundary pixels)");
        double area = image.Count(n => n == maxIterations) * step * step;
        TestContext.Out.WriteLine($"area {area} from {columns}x{rows} pixels, {maxIterations} iterations");
        Assert.That(area, Is.EqualTo(1.5066).Within(0.03), "area of the Mandelbrot set from the pixel count");
    }

    [Test]
    public void For2D_HeatStencilWithHaloRows_MatchesHostSteps()
    {
        int rows = 24 * Scale, columns = 17 * Scale, steps = 5;
        float[] start = Random(rows * columns, 3);
        DataLayout layout = Even(rows);
        using DeviceMatrix<float> a = Engine.AllocateMatrix<float>(rows, columns, layout);
        using DeviceMatrix<float> b = Engine.AllocateMatrix<float>(rows, columns, layout);
        a.CopyFromHost(start);

        DeviceMatrix<float> current = a, next = b;
        for (int s = 0; s < steps; s++)
        {
            DeviceMatrix<float> from = current, to = next;
            Engine.For2D(layout, columns, part => new HeatStencilKernel(part.ViewWithHalo(from, 1), part.View(to), 0.2f));
            (current, next) = (next, current);
        }

        float[] expected = start;
        for (int s = 0; s < steps; s++)
        {
            float[] before = expected, after = new float[expected.Length];
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < columns; c++)
                {
                    int i = (r * columns) + c;
                    bool edge = r == 0 || c == 0 || r == rows - 1 || c == columns - 1;
                    float neighbours = edge ? 0 : before[i - columns] + before[i + columns] + before[i - 1] + before[i + 1];
                    after[i] = edge ? before[i] : before[i] + (0.2f * (neighbours - (4 * before[i])));
                }
            }

            expected = after;
        }

        float[] result = current.ToArray();
        for (int i = 0; i < result.Length; i++)
        {
            Assert.That(result[i], Is.EqualTo(expected[i]).Within(1e-5f), $"cell ({i / columns}, {i % columns})");
        }
    }

    [Test]
    public void For_NBodyStepWithWholePositions_MatchesDoubleReference()
    {
        int bodies = 24 * Scale;
        double[] positions = Random(3 * bodies, 4).Select(v => (double)v).ToArray();
        double[] masses = Random(bodies, 5).Select(v => 1.0 + Math.Abs(v)).ToArray();
        double[] velocities = Random(3 * bodies, 6).Select(v => (double)v).ToArray();
        DataLayout layout = Even(bodies);
        using DeviceMatrix<double> p = Engine.AllocateMatrix<double>(bodies, 3, layout);
        using DeviceVector<double> m = Engine.UploadVector<double>(masses, layout);
        using DeviceMatrix<double> v = Engine.AllocateMatrix<double>(bodies, 3, layout);
        p.CopyFromHost(positions);
        v.CopyFromHost(velocities);

        Engine.For(layout, part => new NBodyKernel(part.Whole(p.AsVector()), part.Whole(m), part.View(v), 0.01, 0.1));

        double[] result = v.ToArray();
        for (int i = 0; i < bodies; i++)
        {
            double ax = 0, ay = 0, az = 0;
            for (int j = 0; j < bodies; j++)
            {
                double dx = positions[3 * j] - positions[3 * i], dy = positions[(3 * j) + 1] - positions[(3 * i) + 1], dz = positions[(3 * j) + 2] - positions[(3 * i) + 2];
                double r = Math.Sqrt((dx * dx) + (dy * dy) + (dz * dz) + 0.01);
                double scale = masses[j] / (r * r * r);
                (ax, ay, az) = (ax + (dx * scale), ay + (dy * scale), az + (dz * scale));
            }

            Assert.That(result[3 * i], Is.EqualTo(velocities[3 * i] + (0.01 * ax)).Within(1e-10), $"vx[{i}]");
            Assert.That(result[(3 * i) + 1], Is.EqualTo(velocities[(3 * i) + 1] + (0.01 * ay)).Within(1e-10), $"vy[{i}]");
            Assert.That(result[(3 * i) + 2], Is.EqualTo(velocities[(3 * i) + 2] + (0.01 * az)).Within(1e-10), $"vz[{i}]");
        }
    }

    [Test]
    public void ForGroups_GroupCentering_MatchesHostOnIlgpuDevices()
    {
        if (!Engine.Devices.Any(d => d is IlgpuDevice))
        {
            DataLayout onCpu = Engine.Layout(64);
            Assert.Throws<ArgumentException>(() => Engine.ForGroups(onCpu, GroupCenteringKernel.GroupSize, part => default(GroupCenteringKernel)));
            Assert.Throws<InvalidOperationException>(() => Engine.GroupLayout(64));
            return;
        }

        // Whole groups per device part, so the groups line up with the host's.
        int groups = 6 * Scale, length = (groups * GroupCenteringKernel.GroupSize) - 5;
        DataLayout layout = Engine.GroupLayout(length);
        Assume.That(layout.Parts, Has.All.Matches<LayoutPart>(p => p.First % GroupCenteringKernel.GroupSize == 0), "parts start on group edges");
        float[] x = Random(length, 7);
        using DeviceVector<float> input = Engine.UploadVector<float>(x, layout);
        using DeviceVector<float> output = Engine.AllocateVector<float>(length, layout);

        Engine.ForGroups(layout, GroupCenteringKernel.GroupSize, part => new GroupCenteringKernel(part.View(input), part.View(output)));

        float[] result = output.ToArray();
        for (int g = 0; g * GroupCenteringKernel.GroupSize < length; g++)
        {
            int from = g * GroupCenteringKernel.GroupSize, to = Math.Min(length, from + GroupCenteringKernel.GroupSize);
            float mean = x[from..to].Sum() / (to - from);
            for (int i = from; i < to; i++)
            {
                Assert.That(result[i], Is.EqualTo(x[i] - mean).Within(1e-5f), $"element {i}");
            }
        }
    }

    [Test]
    public void For_RangeLargerThanData_ThrowsNamingBothLengths()
    {
        using DeviceVector<float> x = Engine.AllocateVector<float>(900);
        var e = Assert.Throws<ArgumentException>(() => Engine.For(1000, part => new SaxpyKernel(1f, part.View(x), part.View(x))));
        Assert.That(e!.Message, Does.Contain("1000").And.Contain("900"));
    }

    [Test]
    public void For_DataFromAnotherEngineOrDisposed_Throws()
    {
        using var other = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu" });
        using DeviceVector<float> foreign = other.AllocateVector<float>(10);
        DeviceVector<float> disposed = Engine.AllocateVector<float>(10);
        disposed.Dispose();

        Assert.That(() => Engine.For(10, part => new SaxpyKernel(1f, part.View(foreign), part.View(foreign))), Throws.ArgumentException.With.Message.Contains("another ComputeEngine"));
        Assert.That(() => Engine.For(10, part => new SaxpyKernel(1f, part.View(disposed), part.View(disposed))), Throws.InstanceOf<ObjectDisposedException>());
    }

    [Test]
    public void DeviceData_AfterEngineDisposed_ThrowsAndDisposesQuietly()
    {
        var shortLived = new ComputeEngine(new ComputeEngineOptions { Devices = Devices, PersistModels = false });
        DeviceVector<float> x = shortLived.UploadVector<float>(Random(100, 8), shortLived.Layout(100, shortLived.Devices));
        shortLived.Dispose();

        Assert.Throws<ObjectDisposedException>(() => x.ToArray());
        Assert.DoesNotThrow(x.Dispose);
    }

    private static int Escape(double cr, double ci, int maxIterations)
    {
        double zr = 0, zi = 0;
        int n = 0;
        while (n < maxIterations && (zr * zr) + (zi * zi) <= 4)
        {
            double t = (zr * zr) - (zi * zi) + cr;
            zi = (2 * zr * zi) + ci;
            zr = t;
            n++;
        }

        return n;
    }

    private static float[] Random(int length, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
    }
}
