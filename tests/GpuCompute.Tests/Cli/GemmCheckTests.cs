using GpuCompute.Bench.Commands;
using GpuCompute.Bench.Verification;
using GpuCompute.Matrices;
using NUnit.Framework;

namespace GpuCompute.Tests.Cli;

/// <summary>The bench's GEMM verification with transposes, α and β: right answers pass, each kind of wrong one fails.</summary>
public sealed class GemmCheckTests
{
    [TestCase(Transpose.None, Transpose.None, 1.0, 0.0, 37, 29, 41)]
    [TestCase(Transpose.Transposed, Transpose.None, 2.0, 1.0, 37, 29, 41)]
    [TestCase(Transpose.None, Transpose.Transposed, -0.5, 2.0, 37, 29, 41)]
    [TestCase(Transpose.Transposed, Transpose.Transposed, 1.5, -1.0, 37, 29, 41)]
    [TestCase(Transpose.Transposed, Transpose.Transposed, 1.5, 0.5, 1100, 1030, 1000)] // over 1024³: Freivalds
    public void RightAnswer_Verifies_AndWrongOnesDoNot(Transpose opA, Transpose opB, double alpha, double beta, int m, int n, int k)
    {
        var op = new GemmOperation(opA, opB, alpha, beta);
        (HostMatrix<double> a, HostMatrix<double> b, HostMatrix<double> c0) = op.Operands<double>(m, n, k, 5);
        using var engine = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu", PersistModels = false });
        HostMatrix<double> Product(GemmOperation o)
        {
            var c = new HostMatrix<double>(m, n);
            c0.Data.AsSpan().CopyTo(c.Data);
            engine.Gemm(o.Alpha, a, o.OpA, b, o.OpB, o.Beta, c);
            return c;
        }

        GemmCheck right = GemmCheck.Run(op, a, b, c0, Product(op), 9);
        Assert.That(right.Verified, Is.True, $"{right}");
        Assert.That(right.Method, Is.EqualTo((double)m * n * k > 1024.0 * 1024 * 1024 ? "freivalds" : "full"));

        if (beta != 0)
        {
            Assert.That(GemmCheck.Run(op, a, b, c0, Product(op with { Beta = beta + 1 }), 9).Verified, Is.False, "a wrong β");
        }

        Assert.That(GemmCheck.Run(op, a, b, c0, Product(op with { Alpha = alpha * 1.001 }), 9).Verified, Is.False, "a wrong α");
        HostMatrix<double> flipped = Product(op);
        flipped[m / 2, n / 2] += 1;
        Assert.That(GemmCheck.Run(op, a, b, c0, flipped, 9).Verified, Is.False, "one wrong element");
    }
}
