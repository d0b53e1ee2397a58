using FluentValidation;
using FluentValidation.Results;

namespace ScimBridge.Mirror.Roadmunk;

/// <summary>Roadmunk's public GraphQL API, read by the mirror. No <see cref="ApiToken"/> means the source is not configured.</summary>
public sealed class RoadmunkOptions
{
    public const string Section = "Roadmunk";
    public const string GraphQlPath = "/public/graphql";

    public static readonly IReadOnlyList<string> Regions = ["app", "eu", "apac"];

    /// <summary>The regional gateway: app (North America), eu or apac.</summary>
    public string Region { get; set; } = "app";
    /// <summary>Overrides the regional gateway (the simulator, a proxy).</summary>
    public string? BaseUrl { get; set; }
    public string? ApiToken { get; set; }
    public int PageSize { get; set; } = 100;
    public int AttemptTimeoutSeconds { get; set; } = 30;
    public int MaxRetries { get; set; } = 5;
    public int BackoffBaseMilliseconds { get; set; } = 500;
    /// <summary>The longest Retry-After the client waits for; a longer one is waited this long before the next attempt.</summary>
    public int MaxRetryAfterSeconds { get; set; } = 120;

    /// <summary>Where GraphQL requests go: <c>{BaseUrl or https://{Region}-gateway.roadmunk.com}/public/graphql</c>.</summary>
    public Uri GraphQlUri()
    {
        var root = string.IsNullOrWhiteSpace(BaseUrl) ? $"https://{Region.Trim().ToLowerInvariant()}-gateway.roadmunk.com" : BaseUrl.Trim();
        return new Uri(root.TrimEnd('/') + GraphQlPath);
    }

    /// <summary>Never prints the token.</summary>
    public override string ToString() => $"RoadmunkOptions {{ Region = {Region}, BaseUrl = {BaseUrl} }}";
}

/// <summary>Every message starts with the configuration key at fault.</summary>
public sealed class RoadmunkOptionsValidator : AbstractValidator<RoadmunkOptions>
{
    private const string Prefix = RoadmunkOptions.Section;

    public RoadmunkOptionsValidator()
    {
        RuleFor(o => o).Custom((o, context) =>
        {
            void Fail(string key, string message) =>
                context.AddFailure(new ValidationFailure($"{Prefix}:{key}", $"{Prefix}:{key} {message}"));

            if (!RoadmunkOptions.Regions.Contains(o.Region?.Trim() ?? "", StringComparer.OrdinalIgnoreCase))
            {
                Fail("Region", $"must be one of {string.Join(", ", RoadmunkOptions.Regions)} (app is North America)");
            }
            if (!string.IsNullOrWhiteSpace(o.BaseUrl)
                && (!Uri.TryCreate(o.BaseUrl.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)))
            {
                Fail("BaseUrl", "must be an absolute http(s) URL such as https://eu-gateway.roadmunk.com");
            }
            if (o.PageSize is < 1 or > 1000)
            {
                Fail("PageSize", "must be between 1 and 1000 (Roadmunk caps a page at 100)");
            }
            if (o.AttemptTimeoutSeconds is < 1 or > 600)
            {
                Fail("AttemptTimeoutSeconds", "must be between 1 and 600");
            }
            if (o.MaxRetries is < 0 or > 20)
            {
                Fail("MaxRetries", "must be between 0 and 20");
            }
            if (o.BackoffBaseMilliseconds is < 1 or > 60_000)
            {
                Fail("BackoffBaseMilliseconds", "must be between 1 and 60000");
            }
            if (o.MaxRetryAfterSeconds is < 0 or > 3600)
            {
                Fail("MaxRetryAfterSeconds", "must be between 0 and 3600");
            }
        });
    }
}
