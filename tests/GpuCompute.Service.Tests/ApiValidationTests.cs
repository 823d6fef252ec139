using System.Net.Http.Json;
using System.Net;
using System.Text;
using GpuCompute.Client;
using NUnit.Framework;

namespace GpuCompute.Service.Tests;

/// <summary>Bad requests are refused before any work, as problem details that name the problem and the sizes.</summary>
[TestFixture]
public sealed class ApiValidationTests
{
    private ServiceFactory factory = null!;
    private HttpClient http = null!;

    [OneTimeSetUp]
    public void Start()
    {
        factory = new ServiceFactory(new Dictionary<string, string> { ["MaxUploadBytes"] = "4096", ["MaxJobFlops"] = "1e12" });
        http = factory.Http(factory.CreateKey());
    }

    [OneTimeTearDown]
    public void Stop() => factory.Dispose();

    [TestCase("{\"operation\":\"gemm\", bad", "Malformed JSON")]
    [TestCase("[1, 2, 3]", "Malformed JSON")]
    [TestCase("{\"precision\":\"f32\"}", "Malformed JSON")]
    [TestCase("", "Malformed JSON")]
    public async Task MalformedJson_Is400Problem(string body, string title)
    {
        using var response = await http.PostAsync("/v1/jobs", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var problem = await Requests.ProblemAsync(response);
        Assert.That(problem.GetProperty("title").GetString(), Is.EqualTo(title));
        Assert.That(problem.GetProperty("status").GetInt32(), Is.EqualTo(400));
    }

    [Test]
    public async Task NotJson_Is415()
    {
        using var response = await http.PostAsync("/v1/jobs", new StringContent("operation=gemm", Encoding.UTF8, "text/plain"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnsupportedMediaType));
    }

    private static IEnumerable<TestCaseData> BadRequests()
    {
        OperandRef M(long r, long c) => OperandRef.Inline(new double[r * c], r, c);
        yield return new TestCaseData(Requests.Gemm(M(3, 5), M(6, 2)), new[] { "op(A) is 3 x 5", "op(B) is 6 x 2", "(5)", "(6)" }).SetName("Gemm_InnerDimensionsDiffer_NamesBothShapes");
        yield return new TestCaseData(Requests.Gemm(M(3, 5), M(3, 2), transA: "T", beta: 1, c: M(4, 2)), new[] { "C is 4 x 2", "5 x 2" }).SetName("Gemm_COfWrongShape_NamesBoth");
        yield return new TestCaseData(Requests.Gemm(M(3, 5), M(5, 2), beta: 0.5), new[] { "needs operand 'c'" }).SetName("Gemm_BetaWithoutC_SaysSo");
        yield return new TestCaseData(Requests.Gemm(M(2, 2), M(2, 2), transA: "X"), new[] { "transA", "'X'" }).SetName("Gemm_BadTranspose_NamesIt");
        yield return new TestCaseData(Requests.Gemm(M(2, 2), M(2, 2), precision: "f16"), new[] { "f16", "f32 or f64" }).SetName("BadPrecision_NamesIt");
        yield return new TestCaseData(Requests.Gemm(OperandRef.Uploaded("x", 1_000_000, 1_000_000), OperandRef.Uploaded("y", 1_000_000, 1_000_000)), new[] { "[1000000, 1000000]", "1000000000000 elements" }).SetName("Gemm_MillionSquared_Refused");
        yield return new TestCaseData(Requests.Gemm(OperandRef.Uploaded("x", int.MaxValue, int.MaxValue), OperandRef.Uploaded("y", 2, 2)), new[] { "4611686014132420609 elements" }).SetName("ElementCountPast64Bits_NamedExactly");
        yield return new TestCaseData(Requests.Gemm(OperandRef.Uploaded("x", 3_000_000_000, 1), OperandRef.Uploaded("y", 1, 1)), new[] { "3000000000", "larger than 2147483647" }).SetName("DimensionPastInt_Named");
        yield return new TestCaseData(Requests.Gemm(OperandRef.Uploaded("x", -4, 2), OperandRef.Uploaded("y", 2, 2)), new[] { "[-4, 2]", "negative" }).SetName("NegativeDimension_Named");
        yield return new TestCaseData(Requests.Gemm(OperandRef.Uploaded("x", 100_000, 1), OperandRef.Uploaded("y", 1, 100_000)), new[] { "result would be [100000, 100000]", "10000000000 elements" }).SetName("Gemm_ResultTooLarge_Named");
        yield return new TestCaseData(Requests.Gemm(OperandRef.Uploaded("x", 16000, 16000), OperandRef.Uploaded("y", 16000, 16000)), new[] { "8.192E+12 floating-point operations", "at most 1E+12" }).SetName("Gemm_TooManyFlops_Named");
        yield return new TestCaseData(Requests.Vector("dot", OperandRef.Inline([1, 2, 3], 3), OperandRef.Inline([1, 2], 2)), new[] { "x has 3 elements and y has 2" }).SetName("Dot_LengthsDiffer_NamesBoth");
        yield return new TestCaseData(Requests.Vector("gemm", OperandRef.Inline([1], 1)), new[] { "needs operand 'a'" }).SetName("Gemm_MissingOperand_NamesRole");
        yield return new TestCaseData(Requests.Vector("nrm2", OperandRef.Inline([1, 2], 1, 2)), new[] { "[1, 2]", "2 dimensions, not 1" }).SetName("WrongRank_NamesShape");
        yield return new TestCaseData(Requests.Vector("svd", OperandRef.Inline([1], 1)), new[] { "Unknown operation 'svd'", "gemm", "batched-gemm", "imax" }).SetName("UnknownOperation_ListsOperations");
        yield return new TestCaseData(Requests.Vector("sum", OperandRef.Inline([1], 1)) with { Operands = new Dictionary<string, OperandRef> { ["x"] = OperandRef.Inline([1], 1), ["z"] = OperandRef.Inline([1], 1) } }, new[] { "'z' is not one of them" }).SetName("UnknownRole_Named");
        yield return new TestCaseData(Requests.Vector("sum", OperandRef.Inline([1, 2], 3)), new[] { "3 elements", "2 values inline" }).SetName("InlineCount_Named");
        yield return new TestCaseData(Requests.Vector("imax", OperandRef.Inline([], 0)), new[] { "empty vector" }).SetName("Imax_Empty_Refused");
        yield return new TestCaseData(Requests.Vector("sum", OperandRef.Uploaded("0000", 4)), new[] { "no upload 0000" }).SetName("UnknownUpload_Named");
    }

    [TestCaseSource(nameof(BadRequests))]
    public async Task BadJob_Is4xxNamingTheProblem(JobRequest request, string[] mentions)
    {
        using var response = await http.PostAsJsonAsync("/v1/jobs", request);
        Assert.That((int)response.StatusCode, Is.EqualTo(400).Or.EqualTo(404));
        string detail = (await Requests.ProblemAsync(response)).Detail();
        foreach (string mention in mentions)
        {
            Assert.That(detail, Does.Contain(mention));
        }

        // Nothing was stored: this key has made no job in this fixture.
        Assert.That(await new GpuComputeClient(http, http.DefaultRequestHeaders.Authorization!.Parameter!).ListJobsAsync(), Is.Empty);
    }

    [Test]
    public async Task UploadOfWrongSize_IsRefusedAtSubmit()
    {
        var client = new GpuComputeClient(http, http.DefaultRequestHeaders.Authorization!.Parameter!);
        var upload = await client.UploadAsync<float>(new float[6]);
        using var response = await http.PostAsJsonAsync("/v1/jobs", Requests.Vector("sum", OperandRef.Uploaded(upload.Id, 6), precision: "f64"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await Requests.ProblemAsync(response)).Detail(), Does.Contain("has 24 bytes").And.Contain("6 × 8 = 48"));
    }

    [Test]
    public void LargeRequest_RunSynchronously_IsSentToJobs()
    {
        var client = new GpuComputeClient(http, http.DefaultRequestHeaders.Authorization!.Parameter!);
        // 1200³ is over the synchronous limit; the size check comes before the operands are even looked up.
        var error = Assert.ThrowsAsync<GpuComputeServiceException>(() => client.RunAsync(Requests.Gemm(OperandRef.Uploaded("a", 1200, 1200), OperandRef.Uploaded("b", 1200, 1200))));
        Assert.That(error!.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(error.Detail, Does.Contain("POST /v1/jobs"));
    }

    [Test]
    public async Task Upload_OverLimit_Is413_WithOrWithoutContentLength()
    {
        using (var declared = await http.PostAsync("/v1/operands", Bytes(5000)))
        {
            Assert.That(declared.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
            Assert.That((await Requests.ProblemAsync(declared)).Detail(), Does.Contain("4096"));
        }

        // Chunked: no Content-Length, the service counts as it streams.
        var chunked = new StreamContent(new MemoryStream(new byte[5000]));
        chunked.Headers.ContentType = new("application/octet-stream");
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/operands") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        using var streamed = await http.SendAsync(request);
        Assert.That(streamed.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        Assert.That(Directory.GetFiles(Path.Combine(factory.DataDirectory, "operands")).Where(f => Path.GetFileName(f).StartsWith(".tmp", StringComparison.Ordinal)), Is.Empty, "no partial upload is left");

        using var exact = await http.PostAsync("/v1/operands", Bytes(4096));
        Assert.That(exact.StatusCode, Is.EqualTo(HttpStatusCode.Created));
    }

    [Test]
    public async Task Upload_NotOctetStream_Is415()
    {
        using var response = await http.PostAsync("/v1/operands", new StringContent("1,2,3"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnsupportedMediaType));
    }

    [Test]
    public async Task Upload_IsContentAddressed_AndRepeatable()
    {
        using var first = await http.PostAsync("/v1/operands", Bytes(1000, seed: 3));
        using var second = await http.PostAsync("/v1/operands", Bytes(1000, seed: 3));
        var a = await first.Content.ReadFromJsonAsync<OperandInfo>();
        var b = await second.Content.ReadFromJsonAsync<OperandInfo>();
        Assert.That(a, Is.EqualTo(b));
        Assert.That(a!.Id, Is.EqualTo(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Raw(1000, 3)))));
        Assert.That(first.Headers.Location?.ToString(), Is.EqualTo($"/v1/operands/{a.Id}"));
    }

    [Test]
    public async Task UnknownRoute_IsProblem404()
    {
        using var response = await http.GetAsync("/v1/nothing-here");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    private static ByteArrayContent Bytes(int count, int seed = 1)
    {
        var content = new ByteArrayContent(Raw(count, seed));
        content.Headers.ContentType = new("application/octet-stream");
        return content;
    }

    private static byte[] Raw(int count, int seed)
    {
        byte[] bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
