using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace GpuCompute.Client;

/// <summary>
/// A typed client for the GpuCompute service: upload operands, submit jobs (retried safely with an idempotency key),
/// follow their progress, download results, cancel, and run small operations synchronously.
/// </summary>
/// <remarks>Every call sends the API key as a bearer token. Errors throw <see cref="GpuComputeServiceException"/> with
/// the service's problem details. The <see cref="HttpClient"/> is not disposed by this client.</remarks>
public sealed class GpuComputeClient
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient http;
    private readonly AuthenticationHeaderValue authorization;

    /// <summary>A client over <paramref name="http"/> (whose <see cref="HttpClient.BaseAddress"/> is the service's
    /// root) that authenticates with <paramref name="apiKey"/>.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The key is empty or the client has no base address.</exception>
    public GpuComputeClient(HttpClient http, string apiKey)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentException.ThrowIfNullOrWhiteSpace(apiKey);
        if (http.BaseAddress is null)
        {
            throw new ArgumentException("The HttpClient needs a BaseAddress: the service's root URL.", nameof(http));
        }

        this.http = http;
        authorization = new AuthenticationHeaderValue("Bearer", apiKey);
    }

    /// <summary>Uploads an operand's bytes, streamed. Repeating an upload of the same bytes is safe and returns the same id.</summary>
    public async Task<OperandInfo> UploadAsync(Stream content, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var body = new StreamContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await SendAsync(HttpMethod.Post, "v1/operands", body, cancellation).ConfigureAwait(false);
        return await ReadAsync<OperandInfo>(response, cancellation).ConfigureAwait(false);
    }

    /// <summary>Uploads the elements of <paramref name="values"/> (little-endian, as stored in memory).</summary>
    public async Task<OperandInfo> UploadAsync<T>(ReadOnlyMemory<T> values, CancellationToken cancellation = default)
        where T : unmanaged
    {
        EnsureElementType<T>();
        byte[] bytes = MemoryMarshal.AsBytes(values.Span).ToArray();
        using var stream = new MemoryStream(bytes, writable: false);
        return await UploadAsync(stream, cancellation).ConfigureAwait(false);
    }

    /// <summary>Submits a job. With an <paramref name="idempotencyKey"/>, a retried submit returns the job the first
    /// one created instead of a second job.</summary>
    public async Task<JobStatus> SubmitAsync(JobRequest request, string? idempotencyKey = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var message = Request(HttpMethod.Post, "v1/jobs", JsonContent.Create(request, options: Json));
        if (idempotencyKey is not null)
        {
            message.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        using var response = await http.SendAsync(message, cancellation).ConfigureAwait(false);
        return await ReadAsync<JobStatus>(response, cancellation).ConfigureAwait(false);
    }

    /// <summary>The job's status now.</summary>
    public async Task<JobStatus> GetJobAsync(string jobId, CancellationToken cancellation = default)
    {
        using var response = await SendAsync(HttpMethod.Get, $"v1/jobs/{Uri.EscapeDataString(jobId)}", null, cancellation).ConfigureAwait(false);
        return await ReadAsync<JobStatus>(response, cancellation).ConfigureAwait(false);
    }

    /// <summary>This key's most recent jobs, newest first.</summary>
    public async Task<IReadOnlyList<JobStatus>> ListJobsAsync(int limit = 50, CancellationToken cancellation = default)
    {
        using var response = await SendAsync(HttpMethod.Get, $"v1/jobs?limit={limit}", null, cancellation).ConfigureAwait(false);
        return await ReadAsync<JobStatus[]>(response, cancellation).ConfigureAwait(false);
    }

    /// <summary>The job's progress as it happens, ending with its final state. Resumes after
    /// <paramref name="lastEventId"/> when given.</summary>
    public async IAsyncEnumerable<JobEvent> WatchAsync(
        string jobId, string? lastEventId = null, [EnumeratorCancellation] CancellationToken cancellation = default)
    {
        using var message = Request(HttpMethod.Get, $"v1/jobs/{Uri.EscapeDataString(jobId)}/events", null);
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null)
        {
            message.Headers.Add("Last-Event-ID", lastEventId);
        }

        using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellation).ConfigureAwait(false);
        await ThrowIfErrorAsync(response, cancellation).ConfigureAwait(false);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellation).ConfigureAwait(false);
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(cancellation).ConfigureAwait(false))
        {
            var status = JsonSerializer.Deserialize<JobStatus>(item.Data, Json)
                ?? throw new InvalidDataException($"Event {item.EventId} of job {jobId} has no status.");
            yield return new JobEvent(item.EventId ?? "", item.EventType, status);
        }
    }

    /// <summary>Waits until the job reaches a final state, following its events (and reconnecting where the stream
    /// broke off), and returns that status.</summary>
    public async Task<JobStatus> WaitAsync(string jobId, CancellationToken cancellation = default)
    {
        string? last = null;
        while (true)
        {
            try
            {
                await foreach (var e in WatchAsync(jobId, last, cancellation).ConfigureAwait(false))
                {
                    last = e.Id;
                    if (JobState.IsFinal(e.Status.State))
                    {
                        return e.Status;
                    }
                }
            }
            catch (HttpRequestException) when (!cancellation.IsCancellationRequested)
            {
                // The connection dropped (e.g. the service restarted): resume after the last event seen.
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellation).ConfigureAwait(false);
            }
            catch (IOException) when (!cancellation.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellation).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Copies a finished job's result into <paramref name="destination"/>.</summary>
    public async Task DownloadResultAsync(string jobId, Stream destination, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var message = Request(HttpMethod.Get, $"v1/jobs/{Uri.EscapeDataString(jobId)}/result", null);
        using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellation).ConfigureAwait(false);
        await ThrowIfErrorAsync(response, cancellation).ConfigureAwait(false);
        await response.Content.CopyToAsync(destination, cancellation).ConfigureAwait(false);
    }

    /// <summary>A finished job's result as elements of <typeparamref name="T"/> (<see cref="float"/> or <see cref="double"/>).</summary>
    public async Task<T[]> DownloadResultAsync<T>(string jobId, CancellationToken cancellation = default)
        where T : unmanaged
    {
        EnsureElementType<T>();
        using var buffer = new MemoryStream();
        await DownloadResultAsync(jobId, buffer, cancellation).ConfigureAwait(false);
        int size = Marshal.SizeOf<T>();
        if (buffer.Length % size != 0)
        {
            throw new InvalidDataException($"The result of job {jobId} has {buffer.Length} bytes, not a whole number of {size}-byte elements.");
        }

        return MemoryMarshal.Cast<byte, T>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)).ToArray();
    }

    /// <summary>The job's timeline (one span per tile or part, per device), once it finished.</summary>
    public async Task<JobTrace> GetTraceAsync(string jobId, CancellationToken cancellation = default)
    {
        using var response = await SendAsync(HttpMethod.Get, $"v1/jobs/{Uri.EscapeDataString(jobId)}/trace", null, cancellation).ConfigureAwait(false);
        return await ReadAsync<JobTrace>(response, cancellation).ConfigureAwait(false);
    }

    /// <summary>Cancels a queued or running job; returns its status (a finished job is left as it is).</summary>
    public async Task<JobStatus> CancelAsync(string jobId, CancellationToken cancellation = default)
    {
        using var response = await SendAsync(HttpMethod.Delete, $"v1/jobs/{Uri.EscapeDataString(jobId)}", null, cancellation).ConfigureAwait(false);
        return await ReadAsync<JobStatus>(response, cancellation).ConfigureAwait(false);
    }

    /// <summary>Runs a small operation in one request and returns its result (the service refuses large ones: submit
    /// those as jobs).</summary>
    public async Task<RunResult> RunAsync(JobRequest request, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var response = await SendAsync(HttpMethod.Post, "v1/run", JsonContent.Create(request, options: Json), cancellation).ConfigureAwait(false);
        return await ReadAsync<RunResult>(response, cancellation).ConfigureAwait(false);
    }

    /// <summary>The service's devices.</summary>
    public async Task<IReadOnlyList<DeviceInfo>> GetDevicesAsync(CancellationToken cancellation = default)
    {
        using var response = await SendAsync(HttpMethod.Get, "v1/devices", null, cancellation).ConfigureAwait(false);
        return await ReadAsync<DeviceInfo[]>(response, cancellation).ConfigureAwait(false);
    }

    private HttpRequestMessage Request(HttpMethod method, string path, HttpContent? content)
    {
        var message = new HttpRequestMessage(method, path) { Content = content };
        message.Headers.Authorization = authorization;
        return message;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellation)
    {
        using var message = Request(method, path, content);
        return await http.SendAsync(message, cancellation).ConfigureAwait(false);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellation)
    {
        await ThrowIfErrorAsync(response, cancellation).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync<T>(Json, cancellation).ConfigureAwait(false)
            ?? throw new InvalidDataException($"The service answered {(int)response.StatusCode} with an empty body.");
    }

    private static async Task ThrowIfErrorAsync(HttpResponseMessage response, CancellationToken cancellation)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        string? title = null, detail = null;
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<Problem>(Json, cancellation).ConfigureAwait(false);
            title = problem?.Title;
            detail = problem?.Detail;
        }
        catch (JsonException)
        {
            // Not a problem document (e.g. a proxy's error page): the status code is all there is.
        }

        TimeSpan? retryAfter = response.Headers.RetryAfter?.Delta;
        throw new GpuComputeServiceException(response.StatusCode, title, detail, retryAfter);
    }

    private static void EnsureElementType<T>()
    {
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
        {
            throw new NotSupportedException($"Operands are float or double elements, not {typeof(T).Name}.");
        }
    }

    private sealed record Problem(string? Title, string? Detail, int? Status);
}
