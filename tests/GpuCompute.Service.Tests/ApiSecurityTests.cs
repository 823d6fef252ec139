using System.Net.Http.Json;
using System.Net;
using GpuCompute.Client;
using GpuCompute.Service.Security;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace GpuCompute.Service.Tests;

/// <summary>Keys: every endpoint but health and the static pages needs one, a key sees only its own jobs and
/// operands, revoked keys stop working, and each key has its own rate limit.</summary>
[TestFixture]
public sealed class ApiSecurityTests
{
    private ServiceFactory factory = null!;

    [OneTimeSetUp]
    public void Start() => factory = new ServiceFactory();

    [OneTimeTearDown]
    public void Stop() => factory.Dispose();

    [TestCase("GET", "/v1/jobs")]
    [TestCase("GET", "/v1/devices")]
    [TestCase("POST", "/v1/jobs")]
    [TestCase("POST", "/v1/run")]
    [TestCase("POST", "/v1/operands")]
    [TestCase("GET", "/v1/jobs/job_x/result")]
    public async Task Endpoint_WithoutKey_Is401ProblemWithBearerChallenge(string method, string path)
    {
        using var response = await factory.Http().SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.Contain("Bearer"));
        Assert.That((await Requests.ProblemAsync(response)).Detail(), Does.Contain("API key"));
    }

    [Test]
    public async Task Endpoint_WithUnknownOrRevokedKey_Is401()
    {
        using var unknown = await factory.Http("gck_not-a-key").GetAsync("/v1/jobs");
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));

        var store = factory.Services.GetRequiredService<ApiKeyStore>();
        var (id, secret) = store.Create("soon revoked");
        using (var before = await factory.Http(secret).GetAsync("/v1/jobs"))
        {
            Assert.That(before.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        Assert.That(store.Revoke(id), Is.True);
        using var after = await factory.Http(secret).GetAsync("/v1/jobs");
        Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await Requests.ProblemAsync(after)).Detail(), Does.Contain("revoked"));
    }

    [Test]
    public async Task Key_IsStoredOnlyAsItsHash()
    {
        string secret = factory.CreateKey("hashed");
        byte[] database = await File.ReadAllBytesAsync(Path.Combine(factory.DataDirectory, "service.db"));
        string wal = Path.Combine(factory.DataDirectory, "service.db-wal");
        byte[] log = File.Exists(wal) ? await ReadSharedAsync(wal) : [];
        byte[] needle = System.Text.Encoding.UTF8.GetBytes(secret);
        Assert.That(database.AsSpan().IndexOf(needle), Is.EqualTo(-1));
        Assert.That(log.AsSpan().IndexOf(needle), Is.EqualTo(-1));
    }

    [TestCase("/healthz/live")]
    [TestCase("/healthz/ready")]
    [TestCase("/")]
    [TestCase("/openapi/v1.json")]
    public async Task PublicPages_NeedNoKey(string path)
    {
        using var response = await factory.Http().GetAsync(path);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task AnotherKeysJobAndOperand_Are404()
    {
        var owner = factory.Client();
        string intruderKey = factory.CreateKey("intruder");
        var upload = await owner.UploadAsync<float>(new float[] { 1, 2, 3, 4 });
        var job = await owner.SubmitAsync(Requests.Gemm(OperandRef.Uploaded(upload.Id, 2, 2), OperandRef.Uploaded(upload.Id, 2, 2)));
        Assert.That((await owner.WaitAsync(job.Id)).State, Is.EqualTo(JobState.Succeeded));

        var intruder = factory.Http(intruderKey);
        foreach (string path in new[] { $"/v1/jobs/{job.Id}", $"/v1/jobs/{job.Id}/result", $"/v1/jobs/{job.Id}/events", $"/v1/jobs/{job.Id}/trace", $"/v1/operands/{upload.Id}" })
        {
            using var response = await intruder.GetAsync(path);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), path);
        }

        using (var cancel = await intruder.DeleteAsync($"/v1/jobs/{job.Id}"))
        {
            Assert.That(cancel.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        }

        // Naming the owner's upload in a job of one's own does not reach its bytes either.
        using var steal = await intruder.PostAsJsonAsync("/v1/jobs", Requests.Gemm(OperandRef.Uploaded(upload.Id, 2, 2), OperandRef.Uploaded(upload.Id, 2, 2)));
        Assert.That(steal.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await Requests.ProblemAsync(steal)).Detail(), Does.Contain(upload.Id));
        Assert.That(await new GpuComputeClient(factory.Http(), intruderKey).ListJobsAsync(), Is.Empty);
    }

    [Test]
    public async Task TooManyRequests_Is429WithRetryAfter_PerKey()
    {
        using var limited = new ServiceFactory(new Dictionary<string, string> { ["RequestsPerSecond"] = "1", ["RequestBurst"] = "3" });
        var hasty = limited.Http(limited.CreateKey("hasty"));
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (int i = 0; i < 6; i++)
        {
            var response = await hasty.GetAsync("/v1/jobs");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused ??= response;
            }
        }

        Assert.That(statuses.Take(3), Is.All.EqualTo(HttpStatusCode.OK));
        Assert.That(refused, Is.Not.Null, string.Join(", ", statuses));
        Assert.That(refused!.Headers.RetryAfter?.Delta, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1)));
        Assert.That((await Requests.ProblemAsync(refused)).Detail(), Does.Contain("1 requests a second"));

        // Another key has its own bucket; health is never limited.
        using var other = await limited.Http(limited.CreateKey("patient")).GetAsync("/v1/jobs");
        Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using var health = await limited.Http().GetAsync("/healthz/live");
        Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }
}
