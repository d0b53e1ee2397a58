using System.Security.Cryptography;
using System.Text;

namespace ScimBridge.MondaySim.OAuth;

/// <summary>What the authorize endpoint answers, since no human is there to click.</summary>
public enum OAuthConsent
{
    Approve,
    /// <summary>The redirect carries <c>error=access_denied</c>.</summary>
    Deny,
}

public enum OAuthFlow
{
    /// <summary>Non-expiring access tokens, no PKCE.</summary>
    Classic,
    /// <summary>monday's opt-in OAuth 2.1 flow: PKCE (S256) required, expiring access tokens and rotating refresh tokens.</summary>
    OAuth21,
}

public sealed record OAuthCode(string ClientId, string RedirectUri, IReadOnlySet<string> Scopes, DateTimeOffset ExpiresAt, string? CodeChallenge);

public sealed record OAuthTokens(string AccessToken, string? RefreshToken, TimeSpan? ExpiresIn, IReadOnlySet<string> Scopes);

/// <summary>
/// The one OAuth app the simulator knows (<c>../shared/reference/monday-api.md</c> section 2, "OAuth apps"), its one-time codes and the
/// tokens it issued. Thread-safe; the settings can be changed at any time.
/// </summary>
public sealed class OAuthApp(TimeProvider time)
{
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromHours(1);

    private readonly Lock _sync = new();
    private readonly Dictionary<string, CodeRecord> _codes = [];
    private readonly Dictionary<string, TokenRecord> _accessTokens = [];
    private readonly Dictionary<string, IReadOnlySet<string>> _refreshTokens = [];

    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }
    /// <summary>The scopes of the app's version; a request may narrow them, never widen them.</summary>
    public IReadOnlySet<string> Scopes { get; set; } = new HashSet<string>();
    /// <summary>Compared exactly, as monday does.</summary>
    public IReadOnlyList<string> RedirectUris { get; set; } = [];
    /// <summary>Whether an account admin installed the app; until then nobody can complete the flow.</summary>
    public bool Installed { get; set; } = true;
    public OAuthConsent Consent { get; set; } = OAuthConsent.Approve;
    public OAuthFlow Flow { get; set; } = OAuthFlow.Classic;

    public static IReadOnlySet<string> ParseScopes(string? text) =>
        (text ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);

    public bool IsClient(string? clientId) => ClientId is { } id && clientId == id;

    public bool IsSecret(string? secret) => ClientSecret is { } expected && secret is not null
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(expected));

    public string IssueCode(string clientId, string redirectUri, IReadOnlySet<string> scopes, string? codeChallenge)
    {
        var code = NewSecret();
        lock (_sync)
        {
            _codes[code] = new CodeRecord(new OAuthCode(clientId, redirectUri, scopes, time.GetUtcNow() + CodeLifetime, codeChallenge));
        }
        return code;
    }

    /// <summary>
    /// The code's grant the first time it is redeemed before it expires; null otherwise. A second redemption also
    /// revokes the token the first one got (RFC 6749 §4.1.2: the code may have leaked).
    /// </summary>
    public OAuthCode? RedeemCode(string code)
    {
        lock (_sync)
        {
            if (!_codes.TryGetValue(code, out var record))
            {
                return null;
            }
            if (record.Redeemed)
            {
                if (record.IssuedToken is { } issued)
                {
                    _accessTokens.Remove(issued);
                }
                return null;
            }
            record.Redeemed = true;
            return record.Code.ExpiresAt > time.GetUtcNow() ? record.Code : null;
        }
    }

    public OAuthTokens IssueTokens(IReadOnlySet<string> scopes, string? forCode = null)
    {
        var expiring = Flow == OAuthFlow.OAuth21;
        var tokens = new OAuthTokens(NewSecret(), expiring ? NewSecret() : null, expiring ? AccessTokenLifetime : null, scopes);
        lock (_sync)
        {
            _accessTokens[tokens.AccessToken] = new TokenRecord(scopes, expiring ? time.GetUtcNow() + AccessTokenLifetime : null);
            if (tokens.RefreshToken is { } refresh)
            {
                _refreshTokens[refresh] = scopes;
            }
            if (forCode is not null && _codes.TryGetValue(forCode, out var record))
            {
                record.IssuedToken = tokens.AccessToken;
            }
        }
        return tokens;
    }

    /// <summary>The scopes of a refresh token, which is used up (rotated); null when unknown.</summary>
    public IReadOnlySet<string>? RedeemRefreshToken(string refreshToken)
    {
        lock (_sync)
        {
            return _refreshTokens.Remove(refreshToken, out var scopes) ? scopes : null;
        }
    }

    /// <summary>The scopes an access token carries; null when it is unknown, revoked or expired.</summary>
    public IReadOnlySet<string>? ScopesOf(string accessToken)
    {
        lock (_sync)
        {
            return _accessTokens.TryGetValue(accessToken, out var record)
                && (record.ExpiresAt is not { } expiresAt || expiresAt > time.GetUtcNow())
                ? record.Scopes
                : null;
        }
    }

    /// <summary>Revokes an access or refresh token; false when there was no such token.</summary>
    public bool Revoke(string token)
    {
        lock (_sync)
        {
            return _accessTokens.Remove(token) | _refreshTokens.Remove(token);
        }
    }

    private static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    private sealed class CodeRecord(OAuthCode code)
    {
        public OAuthCode Code { get; } = code;
        public bool Redeemed { get; set; }
        public string? IssuedToken { get; set; }
    }

    private sealed record TokenRecord(IReadOnlySet<string> Scopes, DateTimeOffset? ExpiresAt);
}
