using FluentValidation;

namespace ScimBridge.Mirror.Monday;

/// <summary>
/// The monday.com OAuth app behind "Connect monday.com" (section <c>Monday:OAuth</c>). Without a client id and secret the
/// console offers no Connect button and the mirror uses the personal API token (<c>Monday:ApiToken</c>).
/// </summary>
public sealed class MondayOAuthOptions
{
    public const string Section = "Monday:OAuth";
    public const string DefaultAuthorizeUrl = "https://auth.monday.com/oauth2/authorize";
    public const string DefaultTokenUrl = "https://auth.monday.com/oauth2/token";
    public const string CallbackPath = "/admin/oauth/monday/callback";

    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }
    public string AuthorizeUrl { get; set; } = DefaultAuthorizeUrl;
    public string TokenUrl { get; set; } = DefaultTokenUrl;

    /// <summary>Space-separated, as in the authorize request. The app's version in the Developer Center must have them all.</summary>
    public string Scopes { get; set; } = string.Join(' ', MondayScopes.Requested);

    /// <summary>monday's opt-in OAuth 2.1 flow: PKCE (S256), expiring access tokens and refresh tokens.</summary>
    public bool UsePkce { get; set; }

    /// <summary>
    /// The callback URL registered with the app, e.g. <c>https://bridge.example.com/admin/oauth/monday/callback</c>; when
    /// unset it is taken from the request (scheme and host as the client sees them, see <c>ForwardedHttps</c>).
    /// </summary>
    public string? RedirectUrl { get; set; }

    public int TimeoutSeconds { get; set; } = 30;

    public bool Configured => !string.IsNullOrWhiteSpace(ClientId) && !string.IsNullOrWhiteSpace(ClientSecret);

    public IReadOnlyList<string> ScopeList =>
        [.. Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal)];

    /// <summary>Never prints the secret.</summary>
    public override string ToString() =>
        $"MondayOAuthOptions {{ ClientId = {ClientId}, ClientSecret = {(string.IsNullOrEmpty(ClientSecret) ? "(not set)" : "(set)")}, Scopes = {Scopes}, UsePkce = {UsePkce} }}";
}

/// <summary>Every message starts with the configuration key at fault.</summary>
public sealed class MondayOAuthOptionsValidator : AbstractValidator<MondayOAuthOptions>
{
    public MondayOAuthOptionsValidator() => RuleFor(o => o).Custom(Validate);

    private static void Validate(MondayOAuthOptions options, ValidationContext<MondayOAuthOptions> context)
    {
        void Fail(string key, string message) => context.AddFailure($"{MondayOAuthOptions.Section}:{key}", $"{MondayOAuthOptions.Section}:{key} {message}");

        var hasId = !string.IsNullOrWhiteSpace(options.ClientId);
        var hasSecret = !string.IsNullOrWhiteSpace(options.ClientSecret);
        if (hasId && !hasSecret)
        {
            Fail(nameof(options.ClientSecret), "is required when Monday:OAuth:ClientId is set");
        }
        if (hasSecret && !hasId)
        {
            Fail(nameof(options.ClientId), "is required when Monday:OAuth:ClientSecret is set");
        }
        if (!IsHttpUrl(options.AuthorizeUrl))
        {
            Fail(nameof(options.AuthorizeUrl), "must be an absolute http(s) URL");
        }
        if (!IsHttpUrl(options.TokenUrl))
        {
            Fail(nameof(options.TokenUrl), "must be an absolute http(s) URL");
        }
        if (options.RedirectUrl is { Length: > 0 } redirect
            && (!IsHttpUrl(redirect) || !new Uri(redirect).AbsolutePath.EndsWith(MondayOAuthOptions.CallbackPath, StringComparison.Ordinal)))
        {
            Fail(nameof(options.RedirectUrl), $"must be an absolute http(s) URL ending in {MondayOAuthOptions.CallbackPath}");
        }
        var scopes = options.ScopeList;
        if (scopes.Any(s => s.Any(c => c <= ' ' || c is '"' or '\\' || c > '~')))
        {
            Fail(nameof(options.Scopes), "must be scope names separated by spaces");
        }
        else if (!scopes.Contains(MondayScopes.UsersRead, StringComparer.Ordinal))
        {
            Fail(nameof(options.Scopes), $"must include {MondayScopes.UsersRead}: the mirror cannot read seats without it");
        }
        if (options.TimeoutSeconds is < 1 or > 300)
        {
            Fail(nameof(options.TimeoutSeconds), "must be between 1 and 300");
        }
    }

    private static bool IsHttpUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);
}
