using System.Net;

namespace GpuCompute.Client;

/// <summary>The service answered with an error: its status code and the RFC 9457 problem's title and detail.</summary>
public sealed class GpuComputeServiceException : Exception
{
    /// <summary>Creates the exception for one error response.</summary>
    public GpuComputeServiceException(HttpStatusCode statusCode, string? title, string? detail, TimeSpan? retryAfter = null)
        : base($"{(int)statusCode} {title ?? statusCode.ToString()}{(string.IsNullOrEmpty(detail) ? "" : ": " + detail)}")
    {
        StatusCode = statusCode;
        Title = title;
        Detail = detail;
        RetryAfter = retryAfter;
    }

    /// <summary>The HTTP status code.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The problem's title.</summary>
    public string? Title { get; }

    /// <summary>The problem's detail: what was wrong, with the sizes involved.</summary>
    public string? Detail { get; }

    /// <summary>The <c>Retry-After</c> the service sent with a 429 or 503, if any.</summary>
    public TimeSpan? RetryAfter { get; }
}
