using GpuCompute.Matrices;
using GpuCompute.Tests.Support;
using MathNet.Numerics.LinearAlgebra;
using NUnit.Framework;

namespace GpuCompute.Tests.Matrices;

public sealed class MatrixConversionsTests
{
    [Test]
    public void MathNet_RoundTripOfAStridedView_KeepsEveryElement()
    {
        HostMatrix<double> view = TestMatrices.Random<double>(5, 7, 1, padding: 2);
        Matrix<double> mathNet = view.ToMathNet();
        HostMatrix<double> back = mathNet.ToHostMatrix();
        Assert.That(back.ToArray2D(), Is.EqualTo(view.ToArray2D()));
        Assert.That(mathNet[4, 6], Is.EqualTo(view[4, 6]));
    }

    [Test]
    public void Array2D_RoundTrip_KeepsEveryElement()
    {
        float[,] array = { { 1, 2, 3 }, { 4, 5, 6 } };
        HostMatrix<float> m = array.ToHostMatrix();
        Assert.That(m.Rows, Is.EqualTo(2));
        Assert.That(m[1, 2], Is.EqualTo(6f));
        Assert.That(m.ToArray2D(), Is.EqualTo(array));
    }

    [Test]
    public void Multiply_MathNetMatrices_MatchesMathNetProduct()
    {
        Matrix<double> a = Matrix<double>.Build.Random(33, 21, 7);
        Matrix<double> b = Matrix<double>.Build.Random(21, 19, 8);
        using var engine = new ComputeEngine(new ComputeEngineOptions { Devices = "cpu" });
        Matrix<double> product = engine.Multiply(a.ToHostMatrix(), b.ToHostMatrix()).ToMathNet();
        Assert.That((product - (a * b)).FrobeniusNorm(), Is.LessThan(1e-12 * (a * b).FrobeniusNorm()));
    }
}
