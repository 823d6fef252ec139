using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

namespace GpuCompute.Service.Api;

/// <summary>What endpoints read off a request: the caller's key id and a JSON body.</summary>
public static class RequestContext
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The id of the API key that authenticated the request.</summary>
    public static string KeyId(this HttpContext context) =>
        context.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("The endpoint ran without an authenticated key.");

    /// <summary>The body as JSON of <typeparamref name="T"/>: 415 unless it is <c>application/json</c>, 400 naming
    /// where it broke when it is malformed.</summary>
    public static async Task<T?> ReadJsonAsync<T>(this HttpRequest request)
    {
        if (!request.HasJsonContentType())
        {
            throw new RequestException(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", $"The body must be application/json, not '{request.ContentType}'.");
        }

        // Refuse a declared length over the limit before reading a byte, so the client hears 413 before it sends it all.
        long? limit = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
        if (request.ContentLength > limit)
        {
            throw new RequestException(
                StatusCodes.Status413PayloadTooLarge, "Request too large",
                $"The body is {request.ContentLength} bytes; this endpoint takes at most {limit} (upload large operands to POST /v1/operands).");
        }

        return await JsonSerializer.DeserializeAsync<T>(request.Body, Json, request.HttpContext.RequestAborted).ConfigureAwait(false);
    }
}
