using GpuCompute.Client;
using NUnit.Framework;

namespace GpuCompute.Service.Tests;

/// <summary>Every operation, through a job (uploads, submit, wait, download) and through one synchronous request, in
/// both precisions, against a double-precision reference computed here.</summary>
[TestFixture]
public sealed class OperationTests
{
    private ServiceFactory factory = null!;
    private GpuComputeClient client = null!;

    [OneTimeSetUp]
    public void Start()
    {
        factory = new ServiceFactory();
        client = factory.Client();
    }

    [OneTimeTearDown]
    public void Stop() => factory.Dispose();

    [TestCase("N", "N", 1.0, 0.0, "f32")]
    [TestCase("T", "N", -1.5, 0.0, "f64")]
    [TestCase("N", "T", 0.5, 2.0, "f32")]
    [TestCase("T", "T", 2.0, -1.0, "f64")]
    public async Task Gemm_AnyTransposeAlphaBeta_MatchesReference(string transA, string transB, double alpha, double beta, string precision)
    {
        const int m = 67, n = 33, k = 129; // around tile edges, none a power of two
        double[] a = Requests.Random(m * k, 1), b = Requests.Random(k * n, 2), c0 = Requests.Random(m * n, 3);
        long[] shapeA = transA == "T" ? [k, m] : [m, k], shapeB = transB == "T" ? [n, k] : [k, n];
        var expected = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                {
                    double aip = transA == "T" ? a[(p * m) + i] : a[(i * k) + p];
                    double bpj = transB == "T" ? b[(j * k) + p] : b[(p * n) + j];
                    sum += aip * bpj;
                }

                expected[(i * n) + j] = (alpha * sum) + (beta * c0[(i * n) + j]);
            }
        }

        var operands = new Dictionary<string, double[]> { ["a"] = a, ["b"] = b, ["c"] = c0 };
        var shapes = new Dictionary<string, long[]> { ["a"] = shapeA, ["b"] = shapeB, ["c"] = [m, n] };
        var request = new JobRequest { Operation = "gemm", Precision = precision, Operands = new Dictionary<string, OperandRef>(), TransA = transA, TransB = transB, Alpha = alpha, Beta = beta };
        await CheckBothWaysAsync(request, operands, shapes, expected, [m, n], Tolerance(precision, k));
    }

    private static IEnumerable<TestCaseData> VectorCases()
    {
        const int n = 1031;
        double[] x = Requests.Random(n, 5), y = Requests.Random(n, 6);
        yield return Case("add", [.. x.Zip(y, (p, q) => p + q)]);
        yield return Case("subtract", [.. x.Zip(y, (p, q) => p - q)]);
        yield return Case("multiply", [.. x.Zip(y, (p, q) => p * q)]);
        yield return Case("axpy", [.. x.Zip(y, (p, q) => (0.75 * p) + q)], alpha: 0.75);
        yield return Case("scale", [.. x.Select(p => -2 * p)], alpha: -2, binary: false);
        yield return Case("relu", [.. x.Select(p => Math.Max(p, 0))], binary: false);
        yield return Case("exp", [.. x.Select(Math.Exp)], binary: false);
        yield return Case("sum", [x.Sum()], binary: false, scalar: true);
        yield return Case("asum", [x.Sum(Math.Abs)], binary: false, scalar: true);
        yield return Case("nrm2", [Math.Sqrt(x.Sum(p => p * p))], binary: false, scalar: true);
        yield return Case("amax", [x.Max(Math.Abs)], binary: false, scalar: true);
        yield return Case("dot", [x.Zip(y, (p, q) => p * q).Sum()], scalar: true);
        yield return Case("imax", [x.Max()], binary: false, scalar: true, index: Array.IndexOf(x, x.Max()));
        yield return Case("imin", [x.Min()], binary: false, scalar: true, index: Array.IndexOf(x, x.Min()));

        TestCaseData Case(string operation, double[] expected, double? alpha = null, bool binary = true, bool scalar = false, long? index = null) =>
            new TestCaseData(operation, x, binary ? y : null, alpha, expected, scalar, index).SetName($"{operation}_MatchesReference");
    }

    [TestCaseSource(nameof(VectorCases))]
    public async Task VectorOperation_MatchesReference(string operation, double[] x, double[]? y, double? alpha, double[] expected, bool scalar, long? index)
    {
        foreach (string precision in new[] { "f32", "f64" })
        {
            var operands = new Dictionary<string, double[]> { ["x"] = x };
            var shapes = new Dictionary<string, long[]> { ["x"] = [x.Length] };
            if (y is not null)
            {
                operands["y"] = y;
                shapes["y"] = [y.Length];
            }

            var request = new JobRequest { Operation = operation, Precision = precision, Operands = new Dictionary<string, OperandRef>(), Alpha = alpha };
            var status = await CheckBothWaysAsync(request, operands, shapes, expected, scalar ? [] : [x.Length], Tolerance(precision, x.Length));
            if (scalar)
            {
                Assert.That(status.Result!.Value, Is.EqualTo(expected[0]).Within(Tolerance(precision, x.Length) * Math.Max(1, Math.Abs(expected[0]) + x.Sum(Math.Abs))));
            }

            Assert.That(status.Result!.Index, Is.EqualTo(index));
        }
    }

    [Test]
    public async Task Gemv_Transpose_BatchedGemm_MatchReference()
    {
        const int m = 45, n = 70, count = 5, p = 9, q = 11, r = 7;
        double[] a = Requests.Random(m * n, 8), x = Requests.Random(n, 9), y0 = Requests.Random(m, 10);
        double[] gemv = [.. Enumerable.Range(0, m).Select(i => (2 * Enumerable.Range(0, n).Sum(j => a[(i * n) + j] * x[j])) + (0.5 * y0[i]))];
        await CheckBothWaysAsync(
            new JobRequest { Operation = "gemv", Precision = "f64", Operands = new Dictionary<string, OperandRef>(), Alpha = 2, Beta = 0.5 },
            new() { ["a"] = a, ["x"] = x, ["y"] = y0 }, new() { ["a"] = [m, n], ["x"] = [n], ["y"] = [m] }, gemv, [m], Tolerance("f64", n));

        double[] transposed = [.. Enumerable.Range(0, m * n).Select(t => a[((t % m) * n) + (t / m)])];
        await CheckBothWaysAsync(
            new JobRequest { Operation = "transpose", Precision = "f32", Operands = new Dictionary<string, OperandRef>() },
            new() { ["a"] = a }, new() { ["a"] = [m, n] }, transposed, [n, m], Tolerance("f32", 1));

        double[] ba = Requests.Random(count * p * q, 11), bb = Requests.Random(count * q * r, 12);
        var batched = new double[count * p * r];
        for (int s = 0; s < count; s++)
        {
            for (int i = 0; i < p; i++)
            {
                for (int j = 0; j < r; j++)
                {
                    batched[(s * p * r) + (i * r) + j] = Enumerable.Range(0, q).Sum(t => ba[(s * p * q) + (i * q) + t] * bb[(s * q * r) + (t * r) + j]);
                }
            }
        }

        await CheckBothWaysAsync(
            new JobRequest { Operation = "batched-gemm", Precision = "f32", Operands = new Dictionary<string, OperandRef>() },
            new() { ["a"] = ba, ["b"] = bb }, new() { ["a"] = [count, p, q], ["b"] = [count, q, r] }, batched, [count, p, r], Tolerance("f32", q));
    }

    [Test]
    public async Task Cholesky_AndCholeskySolve_MatchReference()
    {
        const int n = 50, rhs = 3;
        double[] m = Requests.Random(n * n, 21), b = Requests.Random(n * rhs, 22);
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                a[(i * n) + j] = Enumerable.Range(0, n).Sum(p => m[(i * n) + p] * m[(j * n) + p]) / n + (i == j ? 1 : 0);
            }
        }

        var managed = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(n, n, (i, j) => a[(i * n) + j]);
        var factor = managed.Cholesky();
        double[] l = [.. Enumerable.Range(0, n * n).Select(t => factor.Factor[t / n, t % n])];
        double[] x = [.. Enumerable.Range(0, n * rhs).Select(t => factor.Solve(MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(n, rhs, (i, j) => b[(i * rhs) + j]))[t / rhs, t % rhs])];
        await CheckBothWaysAsync(
            new JobRequest { Operation = "cholesky", Precision = "f64", Operands = new Dictionary<string, OperandRef>() },
            new() { ["a"] = a }, new() { ["a"] = [n, n] }, l, [n, n], Tolerance("f64", n));
        await CheckBothWaysAsync(
            new JobRequest { Operation = "cholesky-solve", Precision = "f64", Operands = new Dictionary<string, OperandRef>() },
            new() { ["a"] = a, ["b"] = b }, new() { ["a"] = [n, n], ["b"] = [n, rhs] }, x, [n, rhs], Tolerance("f64", n) * 10);
    }

    [Test]
    public async Task Solve_Inverse_Determinant_MatchMathNet()
    {
        const int n = 40, rhs = 2;
        double[] a = Requests.Random(n * n, 31), b = Requests.Random(n * rhs, 32);
        var managed = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(n, n, (i, j) => a[(i * n) + j]);
        var rightHand = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(n, rhs, (i, j) => b[(i * rhs) + j]);
        var x = managed.Solve(rightHand);
        var inverse = managed.Inverse();
        double scale = inverse.Enumerate().Max(Math.Abs);
        await CheckBothWaysAsync(
            new JobRequest { Operation = "solve", Precision = "f64", Operands = new Dictionary<string, OperandRef>() },
            new() { ["a"] = a, ["b"] = b }, new() { ["a"] = [n, n], ["b"] = [n, rhs] }, [.. Enumerable.Range(0, n * rhs).Select(t => x[t / rhs, t % rhs])], [n, rhs], 1e-10);
        await CheckBothWaysAsync(
            new JobRequest { Operation = "inverse", Precision = "f64", Operands = new Dictionary<string, OperandRef>() },
            new() { ["a"] = a }, new() { ["a"] = [n, n] }, [.. Enumerable.Range(0, n * n).Select(t => inverse[t / n, t % n])], [n, n], 1e-10);
        var status = await CheckBothWaysAsync(
            new JobRequest { Operation = "determinant", Precision = "f64", Operands = new Dictionary<string, OperandRef>() },
            new() { ["a"] = a }, new() { ["a"] = [n, n] }, [managed.Determinant()], [], 1e-9);
        Assert.That(status.Result!.Value, Is.EqualTo(managed.Determinant()).Within(1e-9 * Math.Abs(managed.Determinant())));
        Assert.That(scale, Is.GreaterThan(0));
    }

    [Test]
    public async Task LeastSquares_MatchesMathNet()
    {
        const int m = 60, n = 25, rhs = 2;
        double[] a = Requests.Random(m * n, 41), b = Requests.Random(m * rhs, 42);
        var build = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build;
        var x = build.Dense(m, n, (i, j) => a[(i * n) + j]).QR().Solve(build.Dense(m, rhs, (i, j) => b[(i * rhs) + j]));
        await CheckBothWaysAsync(
            new JobRequest { Operation = "least-squares", Precision = "f64", Operands = new Dictionary<string, OperandRef>() },
            new() { ["a"] = a, ["b"] = b }, new() { ["a"] = [m, n], ["b"] = [m, rhs] }, [.. Enumerable.Range(0, n * rhs).Select(t => x[t / rhs, t % rhs])], [n, rhs], 1e-10);
    }

    [Test]
    public async Task Cholesky_NotPositiveDefinite_FailsNamingTheColumn()
    {
        double[] a = [4, 0, 0, 0, 1, 0, 0, 0, -2];
        var job = await client.WaitAsync((await client.SubmitAsync(new JobRequest
        {
            Operation = "cholesky",
            Precision = "f64",
            Operands = new Dictionary<string, OperandRef> { ["a"] = OperandRef.Inline(a, 3, 3) },
        })).Id);
        Assert.That(job.State, Is.EqualTo(JobState.Failed));
        Assert.That(job.Error, Does.Contain("column 2"));
        var error = Assert.ThrowsAsync<GpuComputeServiceException>(() => client.RunAsync(new JobRequest
        {
            Operation = "cholesky",
            Precision = "f64",
            Operands = new Dictionary<string, OperandRef> { ["a"] = OperandRef.Inline(a, 3, 3) },
        }));
        Assert.That(error!.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.BadRequest));
        Assert.That(error.Detail, Does.Contain("not positive definite"));
    }

    [Test]
    public async Task EmptyProduct_GivesEmptyResult()
    {
        var result = await client.RunAsync(Requests.Gemm(OperandRef.Inline([], 0, 4), OperandRef.Inline(new double[12], 4, 3)));
        Assert.That(result.Shape, Is.EqualTo(new long[] { 0, 3 }));
        Assert.That(result.Values, Is.Empty);
    }

    private static double Tolerance(string precision, int k) => (precision == "f32" ? 1.2e-7 : 2.3e-16) * 16 * Math.Sqrt(Math.Max(k, 1)) * 4;

    /// <summary>Runs the request once as a job on uploaded operands and once synchronously on inline ones; both must
    /// match <paramref name="expected"/> relative to the largest magnitude.</summary>
    private async Task<JobStatus> CheckBothWaysAsync(
        JobRequest request, Dictionary<string, double[]> operands, Dictionary<string, long[]> shapes, double[] expected, long[] shape, double tolerance)
    {
        var uploaded = new Dictionary<string, OperandRef>();
        var inline = new Dictionary<string, OperandRef>();
        foreach (var (role, values) in operands)
        {
            var info = request.Precision == "f64"
                ? await client.UploadAsync<double>(values)
                : await client.UploadAsync<float>(values.Select(v => (float)v).ToArray());
            uploaded[role] = OperandRef.Uploaded(info.Id, shapes[role]);
            inline[role] = OperandRef.Inline(values, shapes[role]);
        }

        var job = await client.SubmitAsync(request with { Operands = uploaded });
        var status = await client.WaitAsync(job.Id);
        Assert.That(status.State, Is.EqualTo(JobState.Succeeded), status.Error);
        Assert.That(status.Result!.Shape, Is.EqualTo(shape));
        double[] fromJob = request.Precision == "f64"
            ? await client.DownloadResultAsync<double>(job.Id)
            : [.. (await client.DownloadResultAsync<float>(job.Id)).Select(v => (double)v)];
        var run = await client.RunAsync(request with { Operands = inline });
        Assert.That(run.Shape, Is.EqualTo(shape));
        double scale = Math.Max(1, expected.Max(Math.Abs));
        foreach (var got in new[] { fromJob, run.Values.ToArray() })
        {
            Assert.That(got, Has.Length.EqualTo(expected.Length));
            double worst = got.Zip(expected, (g, e) => Math.Abs(g - e)).DefaultIfEmpty().Max() / scale;
            Assert.That(worst, Is.LessThanOrEqualTo(tolerance), $"{request.Operation} {request.Precision}");
        }

        return status;
    }
}
