using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace GpuCompute.Service.Api;

/// <summary>Turns exceptions into RFC 9457 problem details: the service's own refusals with their status, malformed
/// JSON as 400 naming where it broke, an over-long body as 413, anything else as a 500 that says nothing internal.</summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            RequestException r => (r.Status, r.Title, r.Message),
            JsonException j => (400, "Malformed JSON", $"The request body is not a valid job request: {j.Message}"),
            BadHttpRequestException b => (b.StatusCode, b.StatusCode == 413 ? "Request too large" : "Bad request", b.Message),
            ArgumentException a => (400, "Invalid input", a.Message), // what the engine found in the data (e.g. not positive definite)
            _ => (500, "Internal error", "The service failed on this request; the failure is in its log."),
        };
        if (status == 500)
        {
            logger.LogError(exception, "Unhandled failure on {Path}", context.Request.Path);
        }

        if (exception is RequestException { RetryAfter: { } retry })
        {
            context.Response.Headers.RetryAfter = Math.Ceiling(retry.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        }

        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        }).ConfigureAwait(false);
    }
}
