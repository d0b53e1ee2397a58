using System.Globalization;
using System.Threading.RateLimiting;
using FluentValidation;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
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

    public static IServiceCollection AddInboundRateLimiting(this IServiceCollection services)
    {
        services.AddValidatedOptions<ScimRateLimitOptions>().BindConfiguration(ScimRateLimitOptions.Section);
        services.AddRateLimiter(options =>
        {
            options.AddPolicy<string, PerClientPolicy>(Policy);
            options.OnRejected = RejectAsync;
        });
        return services;
    }

    /// <summary>After authentication and authorization: the partition is the authenticated client, and a request that
    /// is refused with 401 never spends a token.</summary>
    public static IApplicationBuilder UseInboundRateLimiting(this IApplicationBuilder app) => app.UseRateLimiter();

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

    private sealed class PerClientPolicy : IRateLimiterPolicy<string>
    {
        private readonly bool _off;
        // Made once: the partitioner runs on every request and should not allocate a closure each time.
        private readonly Func<string, RateLimiter> _bucket;

        public PerClientPolicy(IOptions<ScimRateLimitOptions> options, TimeProvider time)
        {
            var limits = options.Value;
            _off = limits.RequestsPerSecond == 0;
            _bucket = _ => new TokenBucket(time, limits.Burst, limits.RequestsPerSecond);
        }

        public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => null;

        public RateLimitPartition<string> GetPartition(HttpContext httpContext) =>
            !_off && httpContext.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } client }
                ? RateLimitPartition.Get(client, _bucket)
                : RateLimitPartition.GetNoLimiter("");
    }
}

/// <summary>
/// A token bucket of <c>burst</c> tokens refilled at <c>perSecond</c>, on the app's <see cref="TimeProvider"/>: the
/// refill is worked out from the time elapsed whenever a request asks (no timer), and nothing queues: a request
/// without a token is refused at once, told how long until one is there.
/// </summary>
internal sealed class TokenBucket(TimeProvider time, int burst, int perSecond) : RateLimiter
{
    private static readonly Lease Granted = new(null);
    private readonly Lock _sync = new();
    private double _tokens = burst;
    private long _countedAt = time.GetTimestamp();

    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_sync)
            {
                // Idle once full again: the partitioned limiter drops idle buckets, and a new one starts full.
                var sinceFull = time.GetElapsedTime(_countedAt) - TimeSpan.FromSeconds((burst - _tokens) / perSecond);
                return sinceFull >= TimeSpan.Zero ? sinceFull : null;
            }
        }
    }

    public override RateLimiterStatistics GetStatistics()
    {
        lock (_sync)
        {
            return new RateLimiterStatistics { CurrentAvailablePermits = (long)Refill() };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, burst);
        lock (_sync)
        {
            var tokens = Refill();
            if (tokens >= permitCount)
            {
                _tokens = tokens - permitCount;
                return Granted;
            }
            return new Lease(TimeSpan.FromSeconds((permitCount - tokens) / perSecond));
        }
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(permitCount));

    /// <summary>The tokens there now (the caller holds the lock).</summary>
    private double Refill()
    {
        var now = time.GetTimestamp();
        _tokens = Math.Min(burst, _tokens + (time.GetElapsedTime(_countedAt, now).TotalSeconds * perSecond));
        _countedAt = now;
        return _tokens;
    }

    /// <summary>Granted when <paramref name="retryAfter"/> is null.</summary>
    private sealed class Lease(TimeSpan? retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => retryAfter is null;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter is { } wait && metadataName == MetadataName.RetryAfter.Name ? wait : null;
            return metadata is not null;
        }
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
