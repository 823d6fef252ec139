using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace GpuCompute.Service.Security;

/// <summary>Authenticates a request by its API key: <c>Authorization: Bearer KEY</c> or <c>X-Api-Key: KEY</c>. The
/// key's id becomes the caller's identity, which owns the jobs and operands it creates.</summary>
public sealed class ApiKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyStore keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The scheme's name.</summary>
    public const string SchemeName = "ApiKey";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? secret = null;
        string? authorization = Request.Headers.Authorization;
        if (authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            secret = authorization["Bearer ".Length..].Trim();
        }
        else if (Request.Headers.TryGetValue("X-Api-Key", out var header))
        {
            secret = header.ToString().Trim();
        }

        if (string.IsNullOrEmpty(secret))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        string? keyId = keys.Authenticate(secret);
        if (keyId is null)
        {
            return Task.FromResult(AuthenticateResult.Fail("The API key is not valid (unknown or revoked)."));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, keyId)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        var result = await HandleAuthenticateOnceSafeAsync().ConfigureAwait(false);
        string detail = result.Failure?.Message ?? "This endpoint needs an API key: send 'Authorization: Bearer KEY' (create one with 'gpucompute-service keys create').";
        await Results.Problem(statusCode: 401, title: "Unauthorized", detail: detail).ExecuteAsync(Context).ConfigureAwait(false);
    }
}
