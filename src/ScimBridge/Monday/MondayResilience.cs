using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace ScimBridge.Monday;

/// <summary>
/// The resilience pipeline of the monday.com client (<see cref="Build"/>, on its typed <see cref="HttpClient"/>): retry
/// (exponential backoff with jitter, honouring <c>Retry-After</c>) around a circuit breaker around the pace every attempt
/// waits on before it is sent (so the bridge stays under the target's limit instead of bouncing off it) around a
/// per-attempt timeout. One instance: the pace and the breaker are shared by every request to the account.
/// </summary>
public sealed class MondayResilience
{
    public const string PipelineName = "monday";

    private static readonly HashSet<HttpStatusCode> Transient =
    [
        HttpStatusCode.TooManyRequests, HttpStatusCode.InternalServerError, HttpStatusCode.BadGateway,
        HttpStatusCode.ServiceUnavailable, HttpStatusCode.GatewayTimeout,
    ];

    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Tolerance = TimeSpan.FromMilliseconds(1);
    private readonly Lock _pace = new();
    private readonly Queue<DateTimeOffset> _sent = new();
    private readonly MondayOptions _options;
    private readonly TimeSpan _configuredInterval;
    private TimeSpan _interval;
    private DateTimeOffset _next;
    private DateTimeOffset _pausedUntil;
    private DateTimeOffset _lastChange;
    private DateTimeOffset _lastRateLimited;
    private TimeSpan? _learnedInterval;
    private volatile OutboundFailure? _lastFailure;

    public MondayResilience(IOptions<MondayOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _options = options.Value;
        Time = time;
        ConfiguredPerMinute = Math.Max(1, _options.RequestsPerMinute);
        _configuredInterval = _interval = Minute / ConfiguredPerMinute;
    }

    public void Build(ResiliencePipelineBuilder<HttpResponseMessage> pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var o = _options;
        var handled = new PredicateBuilder<HttpResponseMessage>()
            .Handle<HttpRequestException>()
            .Handle<TimeoutRejectedException>()
            .HandleResult(r => Transient.Contains(r.StatusCode));
        pipeline.TimeProvider = Time;
        // MaxRetries = 0 means one attempt per push (Polly's retry takes at least one retry): the push's own backoff retries.
        if (o.MaxRetries > 0)
        {
            pipeline.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = handled,
                MaxRetryAttempts = o.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(o.BackoffBaseMilliseconds),
                MaxDelay = TimeSpan.FromMinutes(2),
                DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Result is { } response ? RetryAfter(response, Time.GetUtcNow()) : null),
            });
        }
        pipeline
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = handled,
                FailureRatio = o.CircuitBreakerFailureRatio,
                MinimumThroughput = o.CircuitBreakerMinimumThroughput,
                SamplingDuration = TimeSpan.FromSeconds(Math.Max(30, o.CircuitBreakerBreakSeconds)),
                BreakDuration = TimeSpan.FromSeconds(o.CircuitBreakerBreakSeconds),
            })
            // Outside the timeout, so that waiting for the pace (a 429's pause can be a minute) is not counted against the attempt.
            .AddStrategy(_ => new PacedAttempt(this))
            .AddTimeout(TimeSpan.FromSeconds(o.AttemptTimeoutSeconds));
    }

    private TimeProvider Time { get; }

    public int ConfiguredPerMinute { get; }

    /// <summary>
    /// What a push says when the breaker refused to call: that it is open, and why it opened (the last attempt that failed
    /// for a reason the breaker counts), since Polly's "the circuit is now open" says nothing of the cause.
    /// </summary>
    public string CircuitOpenDetail() => _lastFailure is { } last
        ? string.Create(CultureInfo.InvariantCulture, $"the circuit breaker is open after repeated failures (not called); the last failure, at {last.At:yyyy-MM-dd HH:mm:ss} UTC: {last.Cause}")
        : "the circuit breaker is open after repeated failures (not called)";

    /// <summary>The pace in force: the configured rate, or less once the target has said where its limit is.</summary>
    public double PerMinute
    {
        get
        {
            lock (_pace)
            {
                return Minute / _interval;
            }
        }
    }

    /// <summary>
    /// Waits until the next request may go: requests are spaced evenly at the pace (no bursts, so a sliding-window
    /// limit on the target is never overrun), and none go while the target has asked for a pause.
    /// </summary>
    public async ValueTask AcquireAsync(CancellationToken cancellationToken)
    {
        // Nothing is reserved ahead: a waiter that gives up (cancelled) wastes no slot, and a pause that starts while
        // others wait holds them too, since each checks again when it wakes.
        while (true)
        {
            TimeSpan wait;
            lock (_pace)
            {
                var now = Time.GetUtcNow();
                Recover(now);
                var earliest = Max(_next, _pausedUntil);
                // Within a millisecond counts as on time: timers do not resolve finer, and a wait of less could spin.
                if (earliest - now <= Tolerance)
                {
                    // Keep the cadence when on time; after a gap, start it again from now.
                    _next = (now - earliest < _interval ? earliest : now) + _interval;
                    _sent.Enqueue(now);
                    while (_sent.Peek() <= now - Minute)
                    {
                        _sent.Dequeue();
                    }
                    return;
                }
                wait = earliest - now;
            }
            await Task.Delay(wait, Time, cancellationToken);
        }
    }

    /// <summary>
    /// The target answered 429: nobody sends until <paramref name="retryAfter"/> has passed, and the pace drops to
    /// just under what was sent in the last minute — the target's limit as observed — so it is not hit again.
    /// </summary>
    public void OnRateLimited(TimeSpan? retryAfter)
    {
        lock (_pace)
        {
            var now = Time.GetUtcNow();
            _pausedUntil = Max(_pausedUntil, now + (retryAfter ?? TimeSpan.FromSeconds(1)));
            _lastChange = _lastRateLimited = now;
            // Too few requests say nothing about a limit (a 429 storm, a shared budget): then only the pause applies.
            var sentLastMinute = _sent.Count(t => t > now - Minute);
            if (sentLastMinute >= 10)
            {
                var learned = Minute / Math.Max(sentLastMinute * 0.97, ConfiguredPerMinute * 0.1);
                _interval = learned > _interval ? learned : _interval;
                _learnedInterval = _interval;
            }
        }
    }

    /// <summary>
    /// Each minute without a 429 earns back 10 % of the configured rate, up to the learned limit; after ten quiet
    /// minutes the learned limit is forgotten (the target's limit may have been raised, or the 429s were a passing storm).
    /// </summary>
    private void Recover(DateTimeOffset now)
    {
        if (_interval <= _configuredInterval || now - _lastChange < Minute)
        {
            return;
        }
        if (_learnedInterval is not null && now - _lastRateLimited >= 10 * Minute)
        {
            _learnedInterval = null;
        }
        var faster = Minute / ((Minute / _interval) + (ConfiguredPerMinute * 0.1));
        var floor = _learnedInterval ?? _configuredInterval;
        _interval = faster < floor ? (floor > _interval ? _interval : floor) : faster;
        _lastChange = now;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

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

    /// <summary>
    /// One attempt: waits for the pace, then writes the attempt to the request's <see cref="OutboundCallLog"/>, tells the
    /// pace of a 429 and keeps what failed for <see cref="CircuitOpenDetail"/>.
    /// </summary>
    internal sealed class PacedAttempt(MondayResilience resilience) : ResilienceStrategy<HttpResponseMessage>
    {
        protected override async ValueTask<Outcome<HttpResponseMessage>> ExecuteCore<TState>(
            Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback, ResilienceContext context, TState state)
        {
            var ct = context.CancellationToken;
            var time = resilience.Time;
            var request = context.GetRequestMessage();
            var log = request is not null && request.Options.TryGetValue(OutboundCallLog.Key, out var l) ? l : null;
            await resilience.AcquireAsync(ct);
            var started = time.GetTimestamp();
            var at = time.GetUtcNow();
            var outcome = await callback(context, state);
            var elapsed = time.GetElapsedTime(started).TotalMilliseconds;
            if (outcome.Result is { } reply)
            {
                var retryAfter = RetryAfter(reply, time.GetUtcNow());
                if (reply.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    resilience.OnRateLimited(retryAfter);
                }
                if (Transient.Contains(reply.StatusCode))
                {
                    resilience._lastFailure = new($"HTTP {(int)reply.StatusCode} {reply.ReasonPhrase}".TrimEnd(), time.GetUtcNow());
                }
                log?.Add(request!, (int)reply.StatusCode, elapsed, retryAfter, MondayScimClient.Excerpt(await reply.Content.ReadAsStringAsync(ct)), at);
                return outcome;
            }
            var e = outcome.Exception;
            if (e is HttpRequestException or OperationCanceledException or IOException or TimeoutRejectedException)
            {
                log?.Add(request!, 0, elapsed, null, null, at);
                if (!ct.IsCancellationRequested)
                {
                    resilience._lastFailure = new(OutboundFailure.Describe(e), time.GetUtcNow());
                }
                if (e is IOException)
                {
                    return Outcome.FromException<HttpResponseMessage>(new HttpRequestException(e.Message, e));
                }
            }
            return outcome;
        }
    }
}

/// <summary>Where the pipeline writes each attempt of one request: the calls a log entry shows.</summary>
public sealed class OutboundCallLog(List<OutboundCall> calls, string path, string? requestExcerpt = null)
{
    public static readonly HttpRequestOptionsKey<OutboundCallLog> Key = new(nameof(OutboundCallLog));

    private readonly int _first = calls.Count;

    internal void Add(HttpRequestMessage request, int status, double durationMs, TimeSpan? retryAfter, string? bodyExcerpt, DateTimeOffset at) =>
        calls.Add(new OutboundCall(request.Method.Method, path, status, durationMs, retryAfter, calls.Count - _first + 1, bodyExcerpt, at, requestExcerpt));
}

/// <summary>
/// Reads the answer inside the attempt's timeout (<see cref="HttpClient"/> would read it only after the whole pipeline),
/// so a body that never finishes is a timed-out attempt.
/// </summary>
internal sealed class ReadAnswerHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        try
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }
}

/// <summary>Why an outbound attempt failed, and when.</summary>
public sealed record OutboundFailure(string Cause, DateTimeOffset At)
{
    /// <summary>A cause an admin can act on: the kind of failure first, then the runtime's words (which name the host).</summary>
    public static string Describe(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var innermost = e;
        while (innermost.InnerException is { } inner)
        {
            innermost = inner;
        }
        var kind = e switch
        {
            HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded or HttpRequestError.InvalidResponse } => "connection dropped",
            HttpRequestException request => ConnectionCauses.Of(request) switch
            {
                ConnectionCauses.NameNotResolved => "name not resolved",
                ConnectionCauses.ConnectionRefused => "connection refused",
                ConnectionCauses.Tls => "TLS handshake failed",
                _ => "connection failed",
            },
            Polly.Timeout.TimeoutRejectedException or TimeoutException => "timed out",
            _ => null,
        };
        var words = innermost == e || innermost.Message == e.Message ? e.Message : $"{e.Message} ({innermost.Message})";
        return kind is null ? words : $"{kind}: {words}";
    }
}
