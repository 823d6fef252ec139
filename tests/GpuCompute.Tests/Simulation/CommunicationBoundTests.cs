using GpuCompute.Scheduling;
using GpuCompute.Simulation;
using NUnit.Framework;

namespace GpuCompute.Tests.Simulation;

/// <summary>The communication-aware lower bound, against closed forms and the issue's measured cases.</summary>
public sealed class CommunicationBoundTests
{
    [TestCase(1, 1000.0, 10.0, 8192, 8192, 8192)]
    [TestCase(4, 20000.0, 25.0, 32768, 32768, 32768)]
    [TestCase(3, 500.0, 1.0, 4096, 2048, 16384)]
    [TestCase(8, 50000.0, 8.0, 1000, 60000, 512)]
    public void IdenticalDevicesOnIdenticalLinks_MatchTheClosedForm(int p, double gflops, double gbs, int m, int n, int k)
    {
        SimulatedDevice[] devices = Enumerable.Range(0, p).Select(i => new SimulatedDevice($"d{i}", gflops, BandwidthGBs: gbs)).ToArray();
        double a = (double)m * n / p, s = 4;
        double compute = 2 * a * k / (gflops * 1e9);
        double transfer = s * (a + (2 * k * Math.Sqrt(a))) / (gbs * 1e9);

        double bound = CommunicationBound.Seconds(devices, m, n, k, 4);

        Assert.That(bound, Is.EqualTo(Math.Max(compute, transfer)).Within(1e-9).Percent);
    }

    [TestCase(2, 20000.0, 2.0, 16384, 16384, 16384)]
    [TestCase(4, 5000.0, 25.0, 8192, 30000, 4096)]
    public void IdenticalDevicesOnOneBus_MatchTheClosedForm(int p, double gflops, double gbs, int m, int n, int k)
    {
        // One link carries every device's panels: at best as few as one block of all of C would need.
        SimulatedDevice[] devices = Enumerable.Range(0, p).Select(i => new SimulatedDevice($"d{i}", gflops, BandwidthGBs: gbs, Bus: "pcie")).ToArray();
        double area = (double)m * n, s = 4;
        double compute = 2 * area * k / (p * gflops * 1e9);
        double transfer = s * (area + (2 * k * Math.Sqrt(area))) / (gbs * 1e9);

        Assert.That(CommunicationBound.Seconds(devices, m, n, k, 4), Is.EqualTo(Math.Max(compute, transfer)).Within(1e-9).Percent);
    }

    [Test]
    public void FreeTransfers_BoundIsTheComputeOnlyIdeal()
    {
        SimulatedDevice[] devices = [new("slow", 1000), new("mid", 2000), new("fast", 8000)];
        SimulationResult result = GemmSimulator.Run<float>(devices, 16384, 16384, 16384, SchedulingPolicy.Adaptive);
        Assert.That(result.LowerBoundSeconds, Is.EqualTo(result.IdealSeconds).Within(1e-9).Percent);
        Assert.That(result.BoundEfficiency, Is.GreaterThanOrEqualTo(0.99), "speeds 1:2:8, free transfers");
    }

    [Test]
    public void TwelveUnequalDevices_BoundAndEfficiencyAsMeasuredInTheIssue()
    {
        IReadOnlyList<SimulatedDevice> devices = SimulatedDevice.ParseList(
            "h0=50000:bw=25,h1=50000:bw=25,a0=20000:bw=16,a1=20000:bw=16,b0=8000:bw=8,b1=8000:bw=8,b2=4000:bw=8,b3=4000:bw=4,x0=1000:bw=80,x1=1000:bw=80,x2=300:bw=80,x3=300:bw=80");
        SimulationResult adaptive = GemmSimulator.Run<float>(devices, 49152, 49152, 49152, SchedulingPolicy.Adaptive);

        Assert.That(adaptive.LowerBoundSeconds, Is.EqualTo(1.426).Within(0.005), "the issue's bound: 1.43 s, the compute-only ideal");
        Assert.That(adaptive.BoundEfficiency, Is.EqualTo(adaptive.LowerBoundSeconds / adaptive.MakespanSeconds));
        Assert.That(adaptive.LowerBoundSeconds, Is.LessThanOrEqualTo(adaptive.MakespanSeconds), "a bound is never beaten");
    }

    [Test]
    public void SlowLink_BoundExceedsTheComputeOnlyIdeal()
    {
        SimulatedDevice[] devices = [new("gpu", 50000, BandwidthGBs: 1), new("cpu", 500)];
        SimulationResult result = GemmSimulator.Run<float>(devices, 8192, 8192, 8192, SchedulingPolicy.Adaptive);
        Assert.That(result.LowerBoundSeconds, Is.GreaterThan(result.IdealSeconds * 1.5), "the link, not the flops, limits the GPU");
        Assert.That(result.LowerBoundSeconds, Is.LessThanOrEqualTo(result.MakespanSeconds));
    }

    [Test]
    public void EmptyProduct_BoundIsZero() =>
        Assert.That(CommunicationBound.Seconds([new SimulatedDevice("d", 100, BandwidthGBs: 1)], 0, 10, 10, 4), Is.Zero);
}
