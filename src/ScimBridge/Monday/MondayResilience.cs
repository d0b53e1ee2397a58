using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace ScimBridge.Monday;

/// <summary>
/// The one resilience pipeline for monday.com SCIM calls: retry (exponential backoff with jitter, honouring
/// <c>Retry-After</c>) around a circuit breaker around a per-attempt timeout, plus a client-side token bucket
/// that every attempt waits on before it is sent, so the bridge stays under the target's limit.
/// </summary>
public sealed class MondayResilience : IDisposable
{
    private static readonly HashSet<HttpStatusCode> Transient =
    [
        HttpStatusCode.TooManyRequests, HttpStatusCode.InternalServerError, HttpStatusCode.BadGateway,
        HttpStatusCode.ServiceUnavailable, HttpStatusCode.GatewayTimeout,
    ];

    private readonly TokenBucketRateLimiter _limiter;

    public MondayResilience(IOptions<MondayOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        var o = options.Value;
        Time = time;
        var perMinute = Math.Max(1, o.RequestsPerMinute);
        _limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = perMinute,
            TokensPerPeriod = perMinute,
            ReplenishmentPeriod = TimeSpan.FromMinutes(1),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });

        var handled = new PredicateBuilder<HttpResponseMessage>()
            .Handle<HttpRequestException>()
            .Handle<TimeoutRejectedException>()
            .HandleResult(r => Transient.Contains(r.StatusCode));

        Pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = handled,
                MaxRetryAttempts = o.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(o.BackoffBaseMilliseconds),
                MaxDelay = TimeSpan.FromMinutes(2),
                DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Result is { } response ? RetryAfter(response, time.GetUtcNow()) : null),
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = handled,
                FailureRatio = o.CircuitBreakerFailureRatio,
                MinimumThroughput = o.CircuitBreakerMinimumThroughput,
                SamplingDuration = TimeSpan.FromSeconds(Math.Max(30, o.CircuitBreakerBreakSeconds)),
                BreakDuration = TimeSpan.FromSeconds(o.CircuitBreakerBreakSeconds),
            })
            .AddTimeout(TimeSpan.FromSeconds(o.AttemptTimeoutSeconds))
            .Build();
    }

    public ResiliencePipeline<HttpResponseMessage> Pipeline { get; }
    public TimeProvider Time { get; }

    /// <summary>Waits (never fails) until the client-side limit lets one more request go.</summary>
    public async ValueTask AcquireAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            using var lease = await _limiter.AcquireAsync(1, cancellationToken);
            if (lease.IsAcquired)
            {
                return;
            }
        }
    }

    /// <summary><c>Retry-After</c> as delta-seconds or an HTTP-date; null when absent (then the backoff decides).</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(response);
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }
        if (header?.Date is { } date)
        {
            var wait = date - now;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }
        return null;
    }

    public void Dispose() => _limiter.Dispose();
}
