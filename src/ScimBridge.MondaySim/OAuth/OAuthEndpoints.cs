using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using ScimBridge.MondaySim.GraphQl;
using ScimBridge.MondaySim.Scim;

namespace ScimBridge.MondaySim.OAuth;

/// <summary>
/// monday's OAuth authorization-code flow (auth.monday.com's <c>/oauth2/authorize</c> and <c>/oauth2/token</c>, served on
/// the simulator's own host), with errors as RFC 6749 §4.1.2.1 and §5.2 shape them, and <c>/_sim/oauth</c> to set the app up.
/// </summary>
public static class OAuthEndpoints
{
    public static WebApplication MapOAuth(this WebApplication app)
    {
        app.MapGet("/oauth2/authorize", Authorize);
        app.MapPost("/oauth2/token", TokenAsync);
        app.MapPost("/_sim/oauth", ConfigureAsync);
        app.MapPost("/_sim/oauth/revoke", RevokeAsync);
        return app;
    }

    private static IResult Authorize(HttpRequest request, MondaySimState state)
    {
        var app = state.OAuth;
        var query = request.Query;
        string? clientId = query["client_id"], redirectUri = query["redirect_uri"], stateParam = query["state"];
        // Without a known client and a registered redirect_uri the error must not go to the redirect_uri (§4.1.2.1).
        if (!app.IsClient(clientId))
        {
            return ErrorPage("unauthorized_client", "Unknown client_id.");
        }
        if (redirectUri is null || !app.RedirectUris.Contains(redirectUri, StringComparer.Ordinal))
        {
            return ErrorPage("invalid_request", "redirect_uri is missing or not registered for this app.");
        }
        IResult Fail(string error, string description) =>
            Redirect(redirectUri, stateParam, ("error", error), ("error_description", description));

        if (query["response_type"] is { Count: > 0 } responseType && responseType != "code")
        {
            return Fail("unsupported_response_type", "Only response_type=code is supported.");
        }
        if (!app.Installed)
        {
            return Fail("access_denied", "USER_ACCESS_DENIED: the app is not installed on this account; an account admin must install it first.");
        }
        var requested = OAuthApp.ParseScopes(query["scope"]);
        var unknown = requested.Except(app.Scopes).ToList();
        if (unknown.Count > 0)
        {
            return Fail("invalid_scope", $"The app's version does not have the scope(s): {string.Join(' ', unknown)}.");
        }
        if (app.Consent == OAuthConsent.Deny)
        {
            return Fail("access_denied", "The user denied the request.");
        }
        string? challenge = null;
        if (app.Flow == OAuthFlow.OAuth21)
        {
            challenge = query["code_challenge"];
            if (string.IsNullOrEmpty(challenge) || query["code_challenge_method"] != "S256")
            {
                return Fail("invalid_request", "code_challenge with code_challenge_method=S256 is required.");
            }
        }
        var granted = requested.Count == 0 ? app.Scopes : requested;
        var code = app.IssueCode(clientId!, redirectUri, granted, challenge);
        return Redirect(redirectUri, stateParam, ("code", code));
    }

    private static async Task<IResult> TokenAsync(HttpRequest request, MondaySimState state)
    {
        var app = state.OAuth;
        if (!request.HasFormContentType)
        {
            return TokenError(400, "invalid_request", "Send application/x-www-form-urlencoded.");
        }
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync();
        }
        catch (InvalidDataException e)
        {
            return TokenError(400, "invalid_request", $"Unreadable form: {e.Message}");
        }
        var (clientId, secret) = ClientCredentials(request, form);
        if (!app.IsClient(clientId) || !app.IsSecret(secret))
        {
            request.HttpContext.Response.Headers.WWWAuthenticate = "Basic realm=\"monday\"";
            return TokenError(401, "invalid_client", "Client authentication failed.");
        }
        return form["grant_type"].ToString() switch
        {
            "authorization_code" => ExchangeCode(app, form),
            "refresh_token" when app.Flow == OAuthFlow.OAuth21 => Refresh(app, form),
            _ => TokenError(400, "unsupported_grant_type", "grant_type must be authorization_code"
                + (app.Flow == OAuthFlow.OAuth21 ? " or refresh_token." : ".")),
        };
    }

    private static IResult ExchangeCode(OAuthApp app, IFormCollection form)
    {
        var code = form["code"].ToString();
        var grant = code.Length == 0 ? null : app.RedeemCode(code);
        if (grant is null || !app.IsClient(grant.ClientId) || grant.RedirectUri != form["redirect_uri"])
        {
            return TokenError(400, "invalid_grant", "The code is unknown, expired, used already, or was issued for another redirect_uri.");
        }
        if (grant.CodeChallenge is { } challenge && !VerifierMatches(form["code_verifier"], challenge))
        {
            return TokenError(400, "invalid_grant", "code_verifier does not match the code_challenge.");
        }
        return TokenResponse(app.IssueTokens(grant.Scopes, code));
    }

    private static IResult Refresh(OAuthApp app, IFormCollection form)
    {
        var refreshToken = form["refresh_token"].ToString();
        var scopes = refreshToken.Length == 0 ? null : app.RedeemRefreshToken(refreshToken);
        return scopes is null
            ? TokenError(400, "invalid_grant", "The refresh token is unknown, revoked or used already.")
            : TokenResponse(app.IssueTokens(scopes));
    }

    private static (string? ClientId, string? Secret) ClientCredentials(HttpRequest request, IFormCollection form)
    {
        if (AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header)
            && header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) && header.Parameter is { } parameter)
        {
            try
            {
                var pair = Encoding.UTF8.GetString(Convert.FromBase64String(parameter)).Split(':', 2);
                return pair.Length == 2 ? (Uri.UnescapeDataString(pair[0]), Uri.UnescapeDataString(pair[1])) : (null, null);
            }
            catch (FormatException)
            {
                return (null, null);
            }
        }
        return (form["client_id"], form["client_secret"]);
    }

    private static bool VerifierMatches(string? verifier, string challenge)
    {
        if (string.IsNullOrEmpty(verifier))
        {
            return false;
        }
        var expected = Base64UrlTextEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(challenge));
    }

    private static IResult TokenResponse(OAuthTokens tokens)
    {
        var body = new JsonObject
        {
            ["access_token"] = tokens.AccessToken,
            ["token_type"] = "Bearer",
            ["scope"] = string.Join(' ', tokens.Scopes.Order(StringComparer.Ordinal)),
        };
        if (tokens.RefreshToken is { } refresh)
        {
            body["refresh_token"] = refresh;
        }
        if (tokens.ExpiresIn is { } expiresIn)
        {
            body["expires_in"] = (int)expiresIn.TotalSeconds;
        }
        return new NoStoreJson(body, StatusCodes.Status200OK);
    }

    private static IResult TokenError(int status, string error, string description) =>
        new NoStoreJson(new JsonObject { ["error"] = error, ["error_description"] = description }, status);

    private static IResult ErrorPage(string error, string description) =>
        Results.Text($"OAuth error {error}: {description}", "text/plain", Encoding.UTF8, StatusCodes.Status400BadRequest);

    private static IResult Redirect(string redirectUri, string? state, params (string Name, string Value)[] parameters)
    {
        var query = parameters.ToDictionary(p => p.Name, p => (string?)p.Value);
        if (state is not null)
        {
            query["state"] = state;
        }
        return Results.Redirect(QueryHelpers.AddQueryString(redirectUri, query));
    }

    /// <summary>RFC 6749 §5.1: token responses must not be cached.</summary>
    private sealed class NoStoreJson(JsonObject body, int status) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            context.Response.Headers.CacheControl = "no-store";
            return GraphQlEndpoint.Json(body, status).ExecuteAsync(context);
        }
    }

    /// <summary>
    /// <c>{"clientId","clientSecret","scopes":"users:read account:read","redirectUris":[…],"installed","consent":"Approve|Deny",
    /// "flow":"Classic|OAuth21"}</c>, any subset. The answer never shows the secret.
    /// </summary>
    private static async Task<IResult> ConfigureAsync(HttpRequest request, MondaySimState state)
    {
        var app = state.OAuth;
        var body = await ScimProtocol.ReadObjectAsync(request);
        foreach (var (name, value) in body)
        {
            try
            {
                Configure(app, name, value);
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException)
            {
                throw new ScimException(400, "invalidValue", $"Bad value for '{name}': {e.Message}");
            }
        }
        return ScimProtocol.Json(new JsonObject
        {
            ["clientId"] = app.ClientId,
            ["clientSecretSet"] = app.ClientSecret is not null,
            ["scopes"] = string.Join(' ', app.Scopes.Order(StringComparer.Ordinal)),
            ["redirectUris"] = new JsonArray([.. app.RedirectUris.Select(u => JsonValue.Create(u))]),
            ["installed"] = app.Installed,
            ["consent"] = app.Consent.ToString(),
            ["flow"] = app.Flow.ToString(),
        });
    }

    private static void Configure(OAuthApp app, string name, JsonNode? value)
    {
        switch (name.ToLowerInvariant())
        {
            case "clientid": app.ClientId = value?.GetValue<string>(); break;
            case "clientsecret": app.ClientSecret = value?.GetValue<string>(); break;
            case "scopes": app.Scopes = OAuthApp.ParseScopes(value?.GetValue<string>()); break;
            case "redirecturis": app.RedirectUris = [.. (value?.AsArray() ?? []).Select(u => u!.GetValue<string>())]; break;
            case "installed": app.Installed = Required(name, value).GetValue<bool>(); break;
            case "consent": app.Consent = Enum.Parse<OAuthConsent>(Required(name, value).GetValue<string>(), ignoreCase: true); break;
            case "flow": app.Flow = Enum.Parse<OAuthFlow>(Required(name, value).GetValue<string>(), ignoreCase: true); break;
            default: throw new ScimException(400, "invalidValue", $"Unknown OAuth setting '{name}'.");
        }
    }

    private static JsonNode Required(string name, JsonNode? value) =>
        value ?? throw new ScimException(400, "invalidValue", $"'{name}' needs a value.");

    /// <summary><c>{"token":"…"}</c>: an access or refresh token; afterwards GraphQL answers 401 as for a revoked personal token.</summary>
    private static async Task<IResult> RevokeAsync(HttpRequest request, MondaySimState state)
    {
        var body = await ScimProtocol.ReadObjectAsync(request);
        var token = ScimProtocol.StringValue(body["token"], "token")
            ?? throw new ScimException(400, "invalidValue", "token is required.");
        if (!state.OAuth.Revoke(token))
        {
            throw new ScimException(404, null, "No such token.");
        }
        return ScimProtocol.Json(new JsonObject { ["revoked"] = true });
    }
}
