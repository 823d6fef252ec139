using System.Security.Claims;
using System.Text.Json;

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

        return await JsonSerializer.DeserializeAsync<T>(request.Body, Json, request.HttpContext.RequestAborted).ConfigureAwait(false);
    }
}
