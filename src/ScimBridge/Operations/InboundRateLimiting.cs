using System.Globalization;
using System.Threading.RateLimiting;
using FluentValidation;
using Microsoft.AspNetCore.RateLimiting;
using ScimBridge.Scim;

namespace ScimBridge.Operations;

public sealed class ScimRateLimitOptions
{
    public const string Section = "Scim:RateLimit";

    /// <summary>Sustained requests per second per token; 0 turns the limit off.</summary>
    public int RequestsPerSecond { get; set; } = 100;

    /// <summary>How many requests a token may send at once above the sustained rate (the bucket's size).</summary>
    public int Burst { get; set; } = 400;
}

/// <summary>
/// A token bucket per SCIM client (the authenticated token or JWT client name), so one noisy client cannot starve the
/// others. A refusal is a SCIM 429 with Retry-After in whole seconds.
/// </summary>
public static class InboundRateLimiting
{
    public const string Policy = "scim-per-token";

    public static IServiceCollection AddInboundRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<ScimRateLimitOptions>().BindConfiguration(ScimRateLimitOptions.Section);
        var limits = configuration.GetSection(ScimRateLimitOptions.Section).Get<ScimRateLimitOptions>() ?? new ScimRateLimitOptions();
        var bucket = new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, limits.Burst),
            TokensPerPeriod = Math.Max(1, limits.RequestsPerSecond),
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        };
        // Made once: the partitioner runs on every request and should not allocate a closure each time.
        Func<string, TokenBucketRateLimiterOptions> perClient = _ => bucket;
        var off = limits.RequestsPerSecond == 0;
        services.AddRateLimiter(options =>
        {
            options.AddPolicy(Policy, context => Partition(context, off, perClient));
            options.OnRejected = RejectAsync;
        });
        return services;
    }

    /// <summary>After authentication and authorization: the partition is the authenticated client, and a request that
    /// is refused with 401 never spends a token.</summary>
    public static IApplicationBuilder UseInboundRateLimiting(this IApplicationBuilder app) => app.UseRateLimiter();

    private static RateLimitPartition<string> Partition(HttpContext context, bool off, Func<string, TokenBucketRateLimiterOptions> perClient) =>
        !off && context.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } client }
            ? RateLimitPartition.GetTokenBucketLimiter(client, perClient)
            : RateLimitPartition.GetNoLimiter("");

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : 1;
        var context = rejected.HttpContext;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await ScimHttp.WriteErrorAsync(context, StatusCodes.Status429TooManyRequests,
            $"Too many requests from this client (Scim:RateLimit); retry after {seconds} s.");
    }
}

public sealed class ScimRateLimitOptionsValidator : AbstractValidator<ScimRateLimitOptions>
{
    public ScimRateLimitOptionsValidator()
    {
        RuleFor(o => o.RequestsPerSecond).InclusiveBetween(0, 1_000_000).WithMessage("Scim:RateLimit:RequestsPerSecond must be between 0 (off) and 1000000.");
        RuleFor(o => o.Burst).InclusiveBetween(1, 10_000_000).WithMessage("Scim:RateLimit:Burst must be between 1 and 10000000.");
    }
}
