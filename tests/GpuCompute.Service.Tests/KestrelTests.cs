using System.Net;
using System.Text;
using GpuCompute.Client;
using GpuCompute.ServiceBench;
using NUnit.Framework;

namespace GpuCompute.Service.Tests;

/// <summary>The service as a real process on loopback TCP: Kestrel's body limits, concurrent clients over sockets,
/// and a kill (SIGKILL) and restart in the middle of a job.</summary>
[TestFixture]
[NonParallelizable]
public sealed class KestrelTests
{
    private readonly List<string> directories = [];

    [OneTimeTearDown]
    public void Clean()
    {
        foreach (string directory in directories.Where(Directory.Exists))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private string NewDataDirectory()
    {
        string directory = Path.Combine(Path.GetTempPath(), $"gpucompute-kestrel-tests-{Guid.NewGuid():N}");
        directories.Add(directory);
        return directory;
    }

    [Test]
    public async Task RealKestrel_RefusesOversizedBodies_With413()
    {
        string data = NewDataDirectory();
        string key = ServiceProcess.CreateKey(data, "limits");
        using var service = await ServiceProcess.StartAsync(data, arguments: ["--GpuCompute:Service:MaxUploadBytes=100000"]);
        using var http = new HttpClient { BaseAddress = service.Address };
        http.DefaultRequestHeaders.Authorization = new("Bearer", key);

        var chunked = new StreamContent(new MemoryStream(new byte[300_000])); // small enough to sit in loopback's socket buffers
        chunked.Headers.ContentType = new("application/octet-stream");
        var upload = new HttpRequestMessage(HttpMethod.Post, "v1/operands") { Content = chunked };
        upload.Headers.TransferEncodingChunked = true;
        using (var response = await http.SendAsync(upload))
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge), service.Log);
        }

        // Only the upload endpoint is raised: a JSON body declared at 40 MB meets Kestrel's own limit (30,000,000 bytes)
        // and is refused before it is sent (raw socket: the declared length, no body).
        using (var socket = new System.Net.Sockets.TcpClient())
        {
            await socket.ConnectAsync(service.Address.Host, service.Address.Port);
            var stream = socket.GetStream();
            byte[] head = Encoding.ASCII.GetBytes(
                $"POST /v1/jobs HTTP/1.1\r\nHost: {service.Address.Authority}\r\nAuthorization: Bearer {key}\r\nContent-Type: application/json\r\nContent-Length: 40000000\r\n\r\n");
            await stream.WriteAsync(head);
            using var reader = new StreamReader(stream, Encoding.ASCII);
            Assert.That(await reader.ReadLineAsync(), Is.EqualTo("HTTP/1.1 413 Payload Too Large"));
        }

        // And an upload under the service's limit is taken.
        var fits = new ByteArrayContent(new byte[90_000]);
        fits.Headers.ContentType = new("application/octet-stream");
        using var taken = await http.PostAsync("v1/operands", fits);
        Assert.That(taken.StatusCode, Is.EqualTo(HttpStatusCode.Created));
    }

    [Test]
    public async Task ConcurrentClients_OverTcp_NoJobLostOrDuplicated()
    {
        string data = NewDataDirectory();
        string[] keys = [.. Enumerable.Range(0, 8).Select(c => ServiceProcess.CreateKey(data, $"client-{c}"))];
        using var service = await ServiceProcess.StartAsync(data);
        var result = await LoadBenchmark.RunAsync(service.Address, keys, jobs: 120, size: 64);
        Assert.That(result.Failed, Is.Zero, service.Log);
        Assert.That(result.Distinct, Is.EqualTo(120), "every job has its own id");
        Assert.That(result.Stored, Is.EqualTo(120), "the service stored exactly the jobs submitted (retries included)");
        Assert.That(result.Retried, Is.EqualTo(12));
    }

    [Test]
    public async Task KilledMidJob_JobRunsAgainAfterRestart_WithTheRightResult()
    {
        string data = NewDataDirectory();
        var result = await RestartBenchmark.RunAsync(data, size: 4000, killAfter: TimeSpan.FromMilliseconds(300));
        Assert.That(result.Attempts, Is.EqualTo(2), "one attempt killed, one after the restart");
        Assert.That(result.Verified, Is.True, $"relative error {result.Error:E2} over {result.Tolerance:E2}");
    }

    [Test]
    public async Task Restart_KeepsFinishedResultsAndKeys()
    {
        string data = NewDataDirectory();
        string key = ServiceProcess.CreateKey(data, "durable");
        string jobId;
        byte[] before;
        int port;
        using (var service = await ServiceProcess.StartAsync(data))
        {
            port = service.Address.Port;
            using var http = new HttpClient { BaseAddress = service.Address };
            var client = new GpuComputeClient(http, key);
            var job = await client.SubmitAsync(Requests.Gemm(OperandRef.Inline(Requests.Random(900, 1), 30, 30), OperandRef.Inline(Requests.Random(900, 2), 30, 30)));
            Assert.That((await client.WaitAsync(job.Id)).State, Is.EqualTo(JobState.Succeeded));
            jobId = job.Id;
            before = [.. (await client.DownloadResultAsync<float>(jobId)).SelectMany(BitConverter.GetBytes)];
            service.Kill();
        }

        using var again = await ServiceProcess.StartAsync(data, port);
        using var http2 = new HttpClient { BaseAddress = again.Address };
        var client2 = new GpuComputeClient(http2, key);
        Assert.That((await client2.GetJobAsync(jobId)).State, Is.EqualTo(JobState.Succeeded));
        byte[] after = [.. (await client2.DownloadResultAsync<float>(jobId)).SelectMany(BitConverter.GetBytes)];
        Assert.That(after, Is.EqualTo(before));
    }
}
