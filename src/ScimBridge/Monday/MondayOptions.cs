using System.Text.RegularExpressions;
using FluentValidation;
using FluentValidation.Results;

namespace ScimBridge.Monday;

/// <summary>The outbound monday.com SCIM target. <see cref="TenantUrl"/> null means no target is configured.</summary>
public sealed class MondayOptions
{
    public const string Section = "Monday";

    public string? TenantUrl { get; set; }
    public string? ScimToken { get; set; }
    public string? ApiToken { get; set; }
    /// <summary>The pace of calls; 1,500 (25 a second) is what Microsoft's gallery asks every SCIM app to bear.</summary>
    public int RequestsPerMinute { get; set; } = 1500;
    public int AttemptTimeoutSeconds { get; set; } = 10;
    public int MaxRetries { get; set; } = 6;
    public int BackoffBaseMilliseconds { get; set; } = 500;
    public double CircuitBreakerFailureRatio { get; set; } = 0.5;
    public int CircuitBreakerMinimumThroughput { get; set; } = 20;
    public int CircuitBreakerBreakSeconds { get; set; } = 30;
    public int MemberChunkSize { get; set; } = 100;
    /// <summary>monday's GraphQL API, which the subscription mirror reads.</summary>
    public string ApiUrl { get; set; } = "https://api.monday.com/v2";
    /// <summary>Sent as <c>API-Version</c>: the user shape the mirror asks for first (it reads 2026-07/2026-10 too).</summary>
    public string ApiVersion { get; set; } = "2025-07";
    /// <summary><c>users(limit:)</c> per page; monday caps an unlimited listing at 200.</summary>
    public int UsersPageSize { get; set; } = 200;
    public const int MaxUsersPageSize = 1000;
    /// <summary>How often each instance reads the connection saved on the Connection page again.</summary>
    public int SettingsRefreshSeconds { get; set; } = 5;

    /// <summary>Where monday.com's admin generates the SCIM token; every text that sends an admin there uses this.</summary>
    public const string ScimTokenMenuPath = "Admin > Security > SCIM";

    /// <summary>Never prints the tokens.</summary>
    public override string ToString() => $"MondayOptions {{ TenantUrl = {TenantUrl} }}";
}

/// <summary>Every message starts with the configuration key at fault.</summary>
public sealed partial class MondayOptionsValidator : AbstractValidator<MondayOptions>
{
    private const string Prefix = MondayOptions.Section;

    public MondayOptionsValidator()
    {
        RuleFor(o => o).Custom((o, context) =>
        {
            void Fail(string key, string message) =>
                context.AddFailure(new ValidationFailure($"{Prefix}:{key}", $"{Prefix}:{key} {message}"));

            if (o.TenantUrl is not null)
            {
                if (!Uri.TryCreate(o.TenantUrl, UriKind.Absolute, out var uri)
                    || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
                {
                    Fail("TenantUrl", "must be an absolute http(s) URL");
                }
                else if (!uri.AbsolutePath.TrimEnd('/').EndsWith("/scim/v2", StringComparison.OrdinalIgnoreCase))
                {
                    Fail("TenantUrl", "must end in /scim/v2 (https://<account>.monday.com/scim/v2/)");
                }

                if (string.IsNullOrWhiteSpace(o.ScimToken))
                {
                    Fail("ScimToken", "is required when Monday:TenantUrl is set");
                }
            }

            if (o.RequestsPerMinute < 1)
            {
                Fail("RequestsPerMinute", "must be at least 1");
            }
            if (o.AttemptTimeoutSeconds < 1)
            {
                Fail("AttemptTimeoutSeconds", "must be at least 1");
            }
            if (o.MaxRetries is < 0 or > 100)
            {
                Fail("MaxRetries", "must be between 0 and 100");
            }
            if (o.BackoffBaseMilliseconds < 1)
            {
                Fail("BackoffBaseMilliseconds", "must be at least 1");
            }
            if (o.CircuitBreakerFailureRatio is <= 0 or > 1)
            {
                Fail("CircuitBreakerFailureRatio", "must be greater than 0 and at most 1");
            }
            if (o.CircuitBreakerMinimumThroughput < 2)
            {
                Fail("CircuitBreakerMinimumThroughput", "must be at least 2");
            }
            if (o.CircuitBreakerBreakSeconds < 1)
            {
                Fail("CircuitBreakerBreakSeconds", "must be at least 1");
            }
            if (o.MemberChunkSize < 1)
            {
                Fail("MemberChunkSize", "must be at least 1");
            }
            if (!Uri.TryCreate(o.ApiUrl, UriKind.Absolute, out var api)
                || (api.Scheme != Uri.UriSchemeHttps && api.Scheme != Uri.UriSchemeHttp))
            {
                Fail("ApiUrl", "must be an absolute http(s) URL (https://api.monday.com/v2)");
            }
            if (o.ApiVersion is null || !ApiVersionFormat().IsMatch(o.ApiVersion))
            {
                Fail("ApiVersion", "must be a monday.com API version such as 2025-07");
            }
            if (o.SettingsRefreshSeconds is < 1 or > 3600)
            {
                Fail("SettingsRefreshSeconds", "must be between 1 and 3600");
            }
            if (o.UsersPageSize is < 1 or > MondayOptions.MaxUsersPageSize)
            {
                Fail("UsersPageSize", $"must be between 1 and {MondayOptions.MaxUsersPageSize}");
            }
        });
    }

    [GeneratedRegex(@"^\d{4}-(0[1-9]|1[0-2])$", RegexOptions.CultureInvariant)]
    private static partial Regex ApiVersionFormat();
}
