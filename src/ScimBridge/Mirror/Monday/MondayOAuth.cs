using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScimBridge.Admin;
using ScimBridge.Data;
using ScimBridge.Operations;

namespace ScimBridge.Mirror.Monday;

public static class MondayOAuthFeature
{
    public static IServiceCollection AddMondayOAuth(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<MondayOAuthOptions>(configuration.GetSection(MondayOAuthOptions.Section));
        services.AddHttpClient<MondayOAuthClient>();
        services.AddSingleton<MondayOAuth>();
        MondayOAuthEndpoints.AddCallbackPolicy(services.AddAuthorizationBuilder());
        return services;
    }
}

/// <summary>What monday.com's token endpoint answered.</summary>
public sealed record MondayTokenResponse(string AccessToken, string? RefreshToken, int? ExpiresIn, string? Scope);

/// <summary>An OAuth error from monday.com (RFC 6749 §5.2), or the endpoint not answering (<see cref="Error"/> "unavailable").</summary>
public sealed class MondayOAuthException(string error, string? description, Exception? inner = null)
    : Exception($"{error}: {description}", inner)
{
    public const string Unavailable = "unavailable";

    public string Error { get; } = error;
    public string? Description { get; } = description;
}

/// <summary>monday.com's token endpoint: the client id and secret go in the form, as monday documents.</summary>
public sealed class MondayOAuthClient(HttpClient http, IOptionsMonitor<MondayOAuthOptions> options)
{
    public Task<MondayTokenResponse> ExchangeCodeAsync(string code, string redirectUri, string? codeVerifier, CancellationToken cancellationToken)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = redirectUri,
        };
        if (codeVerifier is not null)
        {
            form["code_verifier"] = codeVerifier;
        }
        return PostAsync(form, cancellationToken);
    }

    public Task<MondayTokenResponse> RefreshAsync(string refreshToken, CancellationToken cancellationToken) =>
        PostAsync(new Dictionary<string, string> { ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken }, cancellationToken);

    private async Task<MondayTokenResponse> PostAsync(Dictionary<string, string> form, CancellationToken cancellationToken)
    {
        var o = options.CurrentValue;
        form["client_id"] = o.ClientId ?? "";
        form["client_secret"] = o.ClientSecret ?? "";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(o.TimeoutSeconds));
        using var request = new HttpRequestMessage(HttpMethod.Post, o.TokenUrl) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        HttpResponseMessage response;
        string body;
        try
        {
            response = await http.SendAsync(request, timeout.Token);
            body = await response.Content.ReadAsStringAsync(timeout.Token);
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new MondayOAuthException(MondayOAuthException.Unavailable, $"monday.com's token endpoint ({o.TokenUrl}) did not answer: {e.Message}", e);
        }
        using (response)
        {
            TokenBody? parsed = null;
            try
            {
                parsed = JsonSerializer.Deserialize<TokenBody>(body);
            }
            catch (JsonException)
            {
            }
            if (parsed?.Error is { Length: > 0 } error)
            {
                throw new MondayOAuthException(error, parsed.ErrorDescription);
            }
            if (!response.IsSuccessStatusCode || parsed?.AccessToken is not { Length: > 0 } accessToken)
            {
                throw new MondayOAuthException(MondayOAuthException.Unavailable,
                    $"monday.com's token endpoint answered {(int)response.StatusCode} without an access token.");
            }
            return new MondayTokenResponse(accessToken, parsed.RefreshToken, parsed.ExpiresIn, parsed.Scope);
        }
    }

    private sealed record TokenBody(
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("refresh_token")] string? RefreshToken,
        [property: JsonPropertyName("expires_in")] int? ExpiresIn,
        [property: JsonPropertyName("scope")] string? Scope,
        [property: JsonPropertyName("error")] string? Error,
        [property: JsonPropertyName("error_description")] string? ErrorDescription);
}

/// <summary>The OAuth connection as the console shows it (never the tokens).</summary>
public sealed record MondayOAuthConnection(IReadOnlySet<string> Scopes, string ConnectedBy, DateTimeOffset ConnectedAt, DateTimeOffset? ExpiresAt, bool Refreshable);

/// <summary>How a "Connect monday.com" round trip ended, for the admin.</summary>
public sealed record MondayOAuthOutcome(bool Success, string Message);

/// <summary>
/// "Connect monday.com": the authorize redirect (state bound to the admin's session, single use, 10 minutes; PKCE in the
/// OAuth 2.1 flow), the callback's code exchange, the stored connection (tokens encrypted with Data Protection) and its
/// refresh. One connection for the whole bridge, in <c>AppConnections</c> under the app "monday".
/// </summary>
public sealed class MondayOAuth(
    IServiceScopeFactory scopes,
    IDataProtectionProvider protection,
    IOptionsMonitor<MondayOAuthOptions> options,
    TimeProvider time,
    ILogger<MondayOAuth> logger)
{
    public const string TokenPurpose = "ScimBridge.Mirror.AppConnections.v1";
    public const string StateCookie = "scimbridge-monday-oauth";
    public static readonly TimeSpan StateLifetime = TimeSpan.FromMinutes(10);

    /// <summary>Refresh this long before monday says the token expires, so a call in flight does not carry a dead one.</summary>
    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(2);

    private readonly IDataProtector _tokens = protection.CreateProtector(TokenPurpose);
    private readonly IDataProtector _state = protection.CreateProtector("ScimBridge.Mirror.MondayOAuth.State.v1");
    private readonly IDataProtector _messages = protection.CreateProtector("ScimBridge.Mirror.MondayOAuth.Message.v1");
    private readonly SemaphoreSlim _refresh = new(1, 1);

    public MondayOAuthOptions Options => options.CurrentValue;

    /// <summary>
    /// The authorize URL to send the admin to. The state cookie (encrypted, HttpOnly, scoped to the callback path) holds
    /// the nonce echoed in <c>state</c>, the admin's session, the deadline, the redirect URI and the PKCE verifier.
    /// </summary>
    public string Begin(HttpContext context)
    {
        var o = Options;
        if (!o.Configured)
        {
            throw new InvalidOperationException("Monday:OAuth:ClientId and Monday:OAuth:ClientSecret are not set.");
        }
        var redirectUri = RedirectUri(context.Request);
        var state = new StatePayload(
            RandomToken(32),
            SessionOf(context),
            time.GetUtcNow().Add(StateLifetime).ToUnixTimeSeconds(),
            redirectUri,
            o.UsePkce ? RandomToken(48) : null);
        context.Response.Cookies.Append(StateCookie, _state.Protect(JsonSerializer.Serialize(state)), new CookieOptions
        {
            HttpOnly = true,
            Secure = context.Request.IsHttps,
            // Lax: the cookie must come back on monday's top-level redirect to the callback.
            SameSite = SameSiteMode.Lax,
            Path = MondayOAuthOptions.CallbackPath,
            MaxAge = StateLifetime,
            IsEssential = true,
        });
        var query = new Dictionary<string, string?>
        {
            ["client_id"] = o.ClientId,
            ["redirect_uri"] = redirectUri,
            ["response_type"] = "code",
            ["scope"] = string.Join(' ', o.ScopeList),
            ["state"] = state.Nonce,
        };
        if (state.Verifier is { } verifier)
        {
            query["code_challenge"] = Base64UrlTextEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
            query["code_challenge_method"] = "S256";
        }
        return QueryHelpers.AddQueryString(o.AuthorizeUrl, query);
    }

    /// <summary>The callback: checks the state, then the provider's answer, exchanges the code and stores the connection.</summary>
    public async Task<MondayOAuthOutcome> CompleteAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var cookie = request.Cookies[StateCookie];
        // Single use: whatever happens next, this state cannot be presented again.
        context.Response.Cookies.Delete(StateCookie, new CookieOptions { Path = MondayOAuthOptions.CallbackPath, Secure = request.IsHttps, HttpOnly = true, SameSite = SameSiteMode.Lax });

        var state = ReadState(cookie);
        if (state is null)
        {
            return Fail("The answer from monday.com does not belong to a connection started here: it was used already, or it was started in another browser. Click Connect monday.com again.");
        }
        if (request.Query["state"].ToString() is not { Length: > 0 } echoed
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(echoed), Encoding.UTF8.GetBytes(state.Nonce)))
        {
            return Fail("The answer from monday.com carries a state that does not match the connection started here, so it was refused. Click Connect monday.com again.");
        }
        if (state.Session != SessionOf(context))
        {
            return Fail("The connection was started in another console session, so it was refused. Click Connect monday.com again.");
        }
        if (DateTimeOffset.FromUnixTimeSeconds(state.ExpiresAt) <= time.GetUtcNow())
        {
            return Fail($"The connection took longer than {StateLifetime.TotalMinutes:0} minutes and expired. Click Connect monday.com again.");
        }

        if (request.Query["error"].ToString() is { Length: > 0 } error)
        {
            return Fail(ProviderError(error, Clean(request.Query["error_description"].ToString())));
        }
        if (request.Query["code"].ToString() is not { Length: > 0 } code)
        {
            return Fail("monday.com sent neither a code nor an error. Click Connect monday.com again.");
        }

        await using var scope = scopes.CreateAsyncScope();
        MondayTokenResponse tokens;
        try
        {
            tokens = await scope.ServiceProvider.GetRequiredService<MondayOAuthClient>()
                .ExchangeCodeAsync(code, state.RedirectUri, state.Verifier, cancellationToken);
        }
        catch (MondayOAuthException e)
        {
            logger.LogWarning("monday.com refused the OAuth code exchange: {Error} {Description}", e.Error, e.Description);
            return Fail(ExchangeError(e));
        }

        var granted = GrantedScopes(tokens.Scope);
        var now = time.GetUtcNow();
        var db = scope.ServiceProvider.GetRequiredService<ScimBridgeDbContext>();
        var row = await db.AppConnections.SingleOrDefaultAsync(c => c.App == MirrorApps.Monday, cancellationToken);
        if (row is null)
        {
            row = new AppConnectionRecord { App = MirrorApps.Monday, ProtectedAccessToken = "", Scopes = "", ConnectedBy = "" };
            db.AppConnections.Add(row);
        }
        row.ProtectedAccessToken = _tokens.Protect(tokens.AccessToken);
        row.ProtectedRefreshToken = tokens.RefreshToken is { } refresh ? _tokens.Protect(refresh) : null;
        row.ExpiresAt = tokens.ExpiresIn is { } seconds ? now.AddSeconds(seconds) : null;
        row.Scopes = string.Join(' ', granted.Order(StringComparer.Ordinal));
        row.AccountId = null;
        row.ConnectedBy = AdminApi.ActorName(context);
        row.ConnectedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("monday.com connected over OAuth by {Admin} with scopes {Scopes}", row.ConnectedBy, row.Scopes);

        var missing = MondayScopes.Mirror.Where(s => !granted.Contains(s)).ToList();
        return new MondayOAuthOutcome(missing.Count == 0,
            missing.Count == 0
                ? $"Connected to monday.com. Granted: {row.Scopes}."
                : $"Connected to monday.com, but the mirror cannot run: missing {string.Join(", ", missing)}. Granted: {(row.Scopes.Length == 0 ? "nothing" : row.Scopes)}.");
    }

    /// <summary>
    /// The scopes granted. RFC 6749 §5.1 lets the server leave <c>scope</c> out only when it granted exactly what was
    /// requested, so a response without one is taken as the configured scopes.
    /// </summary>
    private IReadOnlySet<string> GrantedScopes(string? scope) =>
        scope is null ? Options.ScopeList.ToHashSet(StringComparer.Ordinal) : ParseScopes(scope);

    public static IReadOnlySet<string> ParseScopes(string? text) =>
        (text ?? "").Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);

    public async Task<MondayOAuthConnection?> GetConnectionAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ScimBridgeDbContext>();
        var row = await db.AppConnections.AsNoTracking().SingleOrDefaultAsync(c => c.App == MirrorApps.Monday, cancellationToken);
        return row is null ? null : new MondayOAuthConnection(ParseScopes(row.Scopes), row.ConnectedBy, row.ConnectedAt, row.ExpiresAt, row.ProtectedRefreshToken is not null);
    }

    /// <summary>
    /// The access token and its scopes, refreshed first when it has expired (or is about to); null without a connection.
    /// </summary>
    public async Task<(string AccessToken, IReadOnlySet<string> Scopes)?> GetAccessTokenAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ScimBridgeDbContext>();
        var row = await db.AppConnections.AsNoTracking().SingleOrDefaultAsync(c => c.App == MirrorApps.Monday, cancellationToken);
        if (row is null)
        {
            return null;
        }
        if (!NeedsRefresh(row))
        {
            return (Unprotect(row.ProtectedAccessToken), ParseScopes(row.Scopes));
        }

        await _refresh.WaitAsync(cancellationToken);
        try
        {
            return await RefreshAsync(scope.ServiceProvider, cancellationToken);
        }
        finally
        {
            _refresh.Release();
        }
    }

    private bool NeedsRefresh(AppConnectionRecord row) =>
        row.ExpiresAt is { } expiresAt && expiresAt - RefreshMargin <= time.GetUtcNow();

    private async Task<(string AccessToken, IReadOnlySet<string> Scopes)?> RefreshAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<ScimBridgeDbContext>();
        // Read again: another request (or replica) may have refreshed while this one waited.
        var row = await db.AppConnections.SingleOrDefaultAsync(c => c.App == MirrorApps.Monday, cancellationToken);
        if (row is null)
        {
            return null;
        }
        if (!NeedsRefresh(row))
        {
            return (Unprotect(row.ProtectedAccessToken), ParseScopes(row.Scopes));
        }
        if (row.ProtectedRefreshToken is null)
        {
            throw new MirrorSourceException("Unauthorized",
                "The monday.com OAuth token has expired and there is no refresh token: reconnect monday.com at /admin/subscriptions/connect.");
        }

        var usedRefreshToken = row.ProtectedRefreshToken;
        MondayTokenResponse tokens;
        try
        {
            tokens = await services.GetRequiredService<MondayOAuthClient>().RefreshAsync(Unprotect(usedRefreshToken), cancellationToken);
        }
        catch (MondayOAuthException e) when (e.Error == "invalid_grant")
        {
            // Refresh tokens rotate: another replica may have used this one a moment ago and stored its successor.
            db.ChangeTracker.Clear();
            var current = await db.AppConnections.AsNoTracking().SingleOrDefaultAsync(c => c.App == MirrorApps.Monday, cancellationToken);
            if (current is not null && current.ProtectedRefreshToken != usedRefreshToken && !NeedsRefresh(current))
            {
                return (Unprotect(current.ProtectedAccessToken), ParseScopes(current.Scopes));
            }
            logger.LogWarning("monday.com refused the OAuth refresh token: {Description}", e.Description);
            throw new MirrorSourceException("Unauthorized",
                $"monday.com refused to refresh the OAuth token ({e.Error}: {e.Description}): reconnect monday.com at /admin/subscriptions/connect.", e);
        }
        catch (MondayOAuthException e)
        {
            throw new MirrorSourceException(e.Error == MondayOAuthException.Unavailable ? "Unavailable" : "Unauthorized",
                $"The monday.com OAuth token has expired and refreshing it failed ({e.Error}: {e.Description}).", e);
        }

        var granted = tokens.Scope is null ? ParseScopes(row.Scopes) : ParseScopes(tokens.Scope);
        row.ProtectedAccessToken = _tokens.Protect(tokens.AccessToken);
        row.ProtectedRefreshToken = tokens.RefreshToken is { } refresh ? _tokens.Protect(refresh) : row.ProtectedRefreshToken;
        row.ExpiresAt = tokens.ExpiresIn is { } seconds ? time.GetUtcNow().AddSeconds(seconds) : null;
        row.Scopes = string.Join(' ', granted.Order(StringComparer.Ordinal));
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Refreshed the monday.com OAuth token; it expires at {ExpiresAt}", row.ExpiresAt);
        return (tokens.AccessToken, granted);
    }

    /// <summary>
    /// Forgets the connection. monday.com documents no endpoint to revoke an OAuth token (an admin uninstalls the app in
    /// monday to cut it off), so the token is only dropped here.
    /// </summary>
    public async Task<bool> DisconnectAsync(string admin, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ScimBridgeDbContext>();
        var deleted = await db.AppConnections.Where(c => c.App == MirrorApps.Monday).ExecuteDeleteAsync(cancellationToken) > 0;
        if (deleted)
        {
            logger.LogInformation("monday.com OAuth connection removed by {Admin}", admin);
        }
        return deleted;
    }

    /// <summary>The redirect URI: configured, or this request's scheme and host (as the client sees them behind a trusted proxy).</summary>
    public string RedirectUri(HttpRequest request) =>
        Options.RedirectUrl is { Length: > 0 } configured
            ? configured
            : $"{request.Scheme}://{request.Host.ToUriComponent()}{request.PathBase.ToUriComponent()}{MondayOAuthOptions.CallbackPath}";

    /// <summary>An outcome sealed for the connect page's query string, so a crafted link cannot put words in the console's mouth.</summary>
    public string ProtectOutcome(MondayOAuthOutcome outcome) =>
        _messages.Protect((outcome.Success ? "1" : "0") + outcome.Message);

    public MondayOAuthOutcome? UnprotectOutcome(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }
        try
        {
            var text = _messages.Unprotect(value);
            return text.Length == 0 ? null : new MondayOAuthOutcome(text[0] == '1', text[1..]);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>For tests: the state cookie a connection started with this payload would carry.</summary>
    internal string ProtectState(string nonce, string session, DateTimeOffset expiresAt, string redirectUri, string? verifier) =>
        _state.Protect(JsonSerializer.Serialize(new StatePayload(nonce, session, expiresAt.ToUnixTimeSeconds(), redirectUri, verifier)));

    private StatePayload? ReadState(string? cookie)
    {
        if (string.IsNullOrEmpty(cookie))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<StatePayload>(_state.Unprotect(cookie));
        }
        catch (Exception e) when (e is CryptographicException or JsonException or FormatException)
        {
            return null;
        }
    }

    private string Unprotect(string protectedToken)
    {
        try
        {
            return _tokens.Unprotect(protectedToken);
        }
        catch (CryptographicException e)
        {
            throw new MirrorSourceException("Unauthorized",
                "The stored monday.com OAuth token cannot be decrypted (the Data Protection keys changed): reconnect monday.com at /admin/subscriptions/connect.", e);
        }
    }

    private static string SessionOf(HttpContext context) =>
        context.User.FindFirst(AdminAuthentication.SessionIdClaim)?.Value ?? "";

    private static MondayOAuthOutcome Fail(string message) => new(false, message);

    private string ProviderError(string error, string description)
    {
        var detail = description.Length > 0 ? $" monday.com said: {description}" : "";
        return error switch
        {
            "access_denied" =>
                $"monday.com denied access (access_denied).{detail} Approve the request, and make sure an account admin has installed the app on the monday.com account.",
            "invalid_scope" =>
                $"monday.com refused the requested scopes {string.Join(' ', Options.ScopeList)} (invalid_scope).{detail} Add them to the app's version in monday's Developer Center, or narrow Monday:OAuth:Scopes.",
            "unauthorized_client" =>
                $"monday.com does not accept this app (unauthorized_client).{detail} Check Monday:OAuth:ClientId and the app's OAuth settings in monday's Developer Center.",
            _ => $"monday.com refused the connection ({Clean(error)}).{detail}",
        };
    }

    private static string ExchangeError(MondayOAuthException e)
    {
        var detail = e.Description is { Length: > 0 } d ? $" monday.com said: {Clean(d)}" : "";
        return e.Error switch
        {
            "invalid_grant" =>
                $"monday.com refused the authorization code (invalid_grant).{detail} A code works once, for 10 minutes, with the same redirect URL: click Connect monday.com again.",
            "invalid_client" =>
                $"monday.com refused the app's credentials (invalid_client).{detail} Check Monday:OAuth:ClientId and Monday:OAuth:ClientSecret.",
            MondayOAuthException.Unavailable => $"The connection could not be completed: {Clean(e.Description ?? "")}",
            _ => $"monday.com refused the code exchange ({Clean(e.Error)}).{detail}",
        };
    }

    /// <summary>Provider text shown to the admin: one line, bounded.</summary>
    private static string Clean(string text)
    {
        var line = new string([.. text.Select(c => char.IsControl(c) ? ' ' : c)]).Trim();
        return line.Length > 300 ? line[..300] + "…" : line;
    }

    private static string RandomToken(int bytes) => Base64UrlTextEncoder.Encode(RandomNumberGenerator.GetBytes(bytes));

    private sealed record StatePayload(
        [property: JsonPropertyName("n")] string Nonce,
        [property: JsonPropertyName("s")] string Session,
        [property: JsonPropertyName("e")] long ExpiresAt,
        [property: JsonPropertyName("r")] string RedirectUri,
        [property: JsonPropertyName("v")] string? Verifier);
}
