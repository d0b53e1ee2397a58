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
}

public interface IMondayApiCredentials
{
    /// <summary>The credential to use now, or null when neither an API token nor an OAuth connection is configured.</summary>
    Task<MondayApiCredential?> GetAsync(CancellationToken cancellationToken);
}

/// <summary>The personal API token (<c>Monday:ApiToken</c>), sent without a Bearer prefix as monday.com documents.</summary>
public sealed class MondayApiCredentials(IOptionsMonitor<MondayOptions> options) : IMondayApiCredentials
{
    public Task<MondayApiCredential?> GetAsync(CancellationToken cancellationToken) =>
        Task.FromResult(options.CurrentValue.ApiToken is { Length: > 0 } token
            ? new MondayApiCredential(token, null, MondayApiCredential.PersonalToken)
            : null);
}
