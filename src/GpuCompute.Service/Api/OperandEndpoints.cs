using GpuCompute.Service.Storage;
using Microsoft.AspNetCore.Http.Features;

namespace GpuCompute.Service.Api;

/// <summary>Operands: uploaded as <c>application/octet-stream</c>, streamed to disk, named by their SHA-256.</summary>
public static class OperandEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/operands", UploadAsync).WithSummary("Upload an operand (little-endian elements, row-major); repeating an upload is safe");
        api.MapGet("/operands/{id}", Get).WithSummary("An uploaded operand's size");
    }

    private static async Task<IResult> UploadAsync(HttpContext context, OperandStore store, ServiceOptions options)
    {
        if (context.Request.ContentType is not "application/octet-stream")
        {
            throw new RequestException(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", $"Uploads must be application/octet-stream, not '{context.Request.ContentType}'.");
        }

        if (context.Request.ContentLength > options.MaxUploadBytes)
        {
            throw new RequestException(
                StatusCodes.Status413PayloadTooLarge, "Upload too large",
                $"The upload is {context.Request.ContentLength} bytes; the service's limit is {options.MaxUploadBytes}.");
        }

        // Only this endpoint takes more than Kestrel's default body limit (about 28.6 MB).
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = options.MaxUploadBytes;
        }

        var info = await store.SaveAsync(context.KeyId(), context.Request.Body, options.MaxUploadBytes, context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Created($"/v1/operands/{info.Id}", info);
    }

    private static IResult Get(string id, HttpContext context, OperandStore store)
    {
        long bytes = store.Find(context.KeyId(), id) ?? throw RequestException.NotFound($"No upload {id} for this key.");
        return TypedResults.Ok(new Client.OperandInfo(id, bytes));
    }
}
