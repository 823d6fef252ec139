namespace GpuCompute.Service.Api;

/// <summary>A request the service refuses: the HTTP status and the problem's title and detail (RFC 9457), with a
/// <c>Retry-After</c> for 429 and 503.</summary>
public sealed class RequestException(int status, string title, string detail, TimeSpan? retryAfter = null) : Exception(detail)
{
    public int Status { get; } = status;

    public string Title { get; } = title;

    public TimeSpan? RetryAfter { get; } = retryAfter;

    public static RequestException BadRequest(string detail) => new(StatusCodes.Status400BadRequest, "Invalid request", detail);

    public static RequestException NotFound(string detail) => new(StatusCodes.Status404NotFound, "Not found", detail);
}
