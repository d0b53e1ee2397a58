using Microsoft.Extensions.Options;
using ScimBridge.Monday;

namespace ScimBridge.Mirror.Monday;

/// <summary>
/// What the bridge sends as <c>Authorization</c> to monday.com's GraphQL API. <see cref="Scopes"/> null means a
/// personal API token, which acts with its user's own rights.
/// </summary>
public sealed record MondayApiCredential(string AuthorizationHeader, IReadOnlySet<string>? Scopes, string Kind)
{
    public const string PersonalToken = "token";
    public const string OAuth = "oauth";

    /// <summary>Never prints the token.</summary>
    public override string ToString() => $"MondayApiCredential {{ Kind = {Kind}, Scopes = {(Scopes is null ? "(all of its user's rights)" : string.Join(' ', Scopes))} }}";
}

public interface IMondayApiCredentials
{
    /// <summary>The credential to use now, or null when neither an API token nor an OAuth connection is configured.</summary>
    Task<MondayApiCredential?> GetAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The OAuth connection ("Connect monday.com") when there is one, refreshed first if it has expired; else the personal
/// API token (<c>Monday:ApiToken</c>), sent without a Bearer prefix as monday.com documents.
/// </summary>
public sealed class MondayApiCredentials : IMondayApiCredentials
{
    private readonly IOptionsMonitor<MondayOptions> _options;
    private readonly MondayOAuth? _oauth;

    /// <summary>The personal API token only: for a host without "Connect monday.com" (<c>AddMondayOAuth</c>).</summary>
    public MondayApiCredentials(IOptionsMonitor<MondayOptions> options) => _options = options;

    public MondayApiCredentials(IOptionsMonitor<MondayOptions> options, MondayOAuth oauth)
    {
        _options = options;
        _oauth = oauth;
    }

    public async Task<MondayApiCredential?> GetAsync(CancellationToken cancellationToken)
    {
        if (_oauth is not null && await _oauth.GetAccessTokenAsync(cancellationToken) is { } connection)
        {
            return new MondayApiCredential($"Bearer {connection.AccessToken}", connection.Scopes, MondayApiCredential.OAuth);
        }
        return _options.CurrentValue.ApiToken is { Length: > 0 } token
            ? new MondayApiCredential(token, null, MondayApiCredential.PersonalToken)
            : null;
    }
}

/// <summary>monday.com OAuth scopes the bridge uses.</summary>
public static class MondayScopes
{
    public const string UsersRead = "users:read";
    public const string AccountRead = "account:read";
    public const string UsersWrite = "users:write";

    /// <summary>What a mirror run needs: the users and the account's plan (seats bought).</summary>
    public static readonly IReadOnlyList<string> Mirror = [UsersRead, AccountRead];

    /// <summary>What "Connect monday.com" asks for: the mirror's, plus what licence reclamation needs (role changes, deactivation).</summary>
    public static readonly IReadOnlyList<string> Requested = [UsersRead, AccountRead, UsersWrite];

    /// <summary>The scopes in <paramref name="needed"/> that a credential lacks (none for a personal token).</summary>
    public static IReadOnlyList<string> Missing(MondayApiCredential credential, IEnumerable<string> needed) =>
        credential.Scopes is not { } granted ? [] : [.. needed.Where(s => !granted.Contains(s))];
}
