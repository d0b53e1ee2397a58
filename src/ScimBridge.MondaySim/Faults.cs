using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ScimBridge.MondaySim.GraphQl;
using ScimBridge.MondaySim.Scim;

namespace ScimBridge.MondaySim;

/// <summary>
/// The request pipeline in front of the endpoints: recording, the tokens (SCIM bearer token; API token for GraphQL
/// <c>/v2</c>), and the switchable faults, which apply to SCIM and GraphQL alike.
/// </summary>
public static class Faults
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    public static WebApplication UseSimulatorPipeline(this WebApplication app)
    {
        app.Use(RecordAsync);
        app.Use(AuthenticateAsync);
        app.Use(InjectFaultsAsync);
        app.Use(MapScimErrorsAsync);
        return app;
    }

    // Recorded as the response starts, so a client that has its answer can already see the record.
    private static async Task RecordAsync(HttpContext context, RequestDelegate next)
    {
        context.Response.OnStarting(() =>
        {
            Record(context, context.Response.StatusCode);
            return Task.CompletedTask;
        });
        var state = context.RequestServices.GetRequiredService<MondaySimState>();
        state.Entered();
        try
        {
            await next(context);
        }
        finally
        {
            state.Left();
        }
    }

    /// <summary>Status 0: the connection was dropped.</summary>
    private static void Record(HttpContext context, int status)
    {
        var state = context.RequestServices.GetRequiredService<MondaySimState>();
        lock (state.Sync)
        {
            state.Requests.Add(new RecordedRequest(context.Request.Method, context.Request.Path, status));
        }
    }

    private static async Task AuthenticateAsync(HttpContext context, RequestDelegate next)
    {
        var state = context.RequestServices.GetRequiredService<MondaySimState>();
        if (IsGraphQl(context))
        {
            if (!AuthenticateGraphQl(context, state))
            {
                await WriteGraphQlAsync(context, 401, GraphQlEndpoint.ErrorBody("Not Authenticated", "UNAUTHENTICATED", 401));
                return;
            }
            await next(context);
            return;
        }
        var isScim = IsScim(context);
        if (!isScim && !context.Request.Path.StartsWithSegments("/_sim", StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }
        // The admin endpoints ignore TokenRevoked, or a test could never switch it back.
        if ((isScim && state.TokenRevoked) || !HasToken(context, state.ScimToken))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await ScimProtocol.WriteErrorAsync(context, 401, null, "Invalid or revoked SCIM token.");
            return;
        }
        await next(context);
    }

    private static async Task InjectFaultsAsync(HttpContext context, RequestDelegate next)
    {
        var state = context.RequestServices.GetRequiredService<MondaySimState>();
        var isGraphQl = IsGraphQl(context);
        if (!IsScim(context) && !isGraphQl)
        {
            await next(context);
            return;
        }
        if (isGraphQl && ComplexityResetSeconds(state) is { } reset)
        {
            await WriteGraphQlAsync(context, 429, ComplexityBody(state.ComplexityNewForm, reset));
            return;
        }
        if (isGraphQl && state.DailyLimitExceeded)
        {
            await WriteGraphQlAsync(context, 429, GraphQlEndpoint.ErrorBody(
                "Daily limit exceeded, the limit resets at midnight UTC", "DAILY_LIMIT_EXCEEDED", 429));
            return;
        }
        if (isGraphQl && !CountTowardsFailure(state))
        {
            await WriteGraphQlAsync(context, 500, GraphQlEndpoint.ErrorBody("Internal server error", "INTERNAL_SERVER_ERROR", 500));
            return;
        }
        bool storm;
        lock (state.Sync)
        {
            storm = state.TooManyRequestsRate > 0 && state.Random.NextDouble() < state.TooManyRequestsRate;
        }
        if ((storm ? 1 : RetryAfter(state)) is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
            if (isGraphQl)
            {
                await WriteGraphQlAsync(context, 429, GraphQlEndpoint.ErrorBody("Rate limit exceeded", "RATE_LIMIT_EXCEEDED", 429));
                return;
            }
            await ScimProtocol.WriteErrorAsync(context, 429, null, "Too many requests.");
            return;
        }
        if (state.DropConnections)
        {
            Record(context, 0);
            context.Abort();
            return;
        }
        if (state.LatencyMs > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(state.LatencyMs), state.Time, context.RequestAborted);
        }
        int? failure = null;
        lock (state.Sync)
        {
            if (state.FailureRate > 0 && state.Random.NextDouble() < state.FailureRate)
            {
                failure = state.Random.Next(2) == 0 ? 500 : 503;
            }
        }
        if (failure is { } status)
        {
            if (isGraphQl)
            {
                await WriteGraphQlAsync(context, status, GraphQlEndpoint.ErrorBody("Internal server error", "INTERNAL_SERVER_ERROR", status));
                return;
            }
            await ScimProtocol.WriteErrorAsync(context, status, null, "Simulated server failure.");
            return;
        }
        await next(context);
    }

    /// <summary>Seconds until the complexity budget resets, or null when it is not exhausted.</summary>
    private static int? ComplexityResetSeconds(MondaySimState state)
    {
        if (state.ComplexityExhausted)
        {
            return 3;
        }
        if (state.ComplexityExhaustedUntil is { } until && until > state.Time.GetUtcNow())
        {
            return Math.Max(1, (int)Math.Ceiling((until - state.Time.GetUtcNow()).TotalSeconds));
        }
        return null;
    }

    private static JsonObject ComplexityBody(bool newForm, int resetSeconds)
    {
        if (!newForm)
        {
            return new JsonObject
            {
                ["error_code"] = "ComplexityException",
                ["status_code"] = 429,
                ["error_message"] = $"Complexity budget exhausted, query cost 30001 budget remaining 0 out of 10000000 reset in {resetSeconds} seconds",
            };
        }
        var body = GraphQlEndpoint.ErrorBody("Complexity budget exhausted", "COMPLEXITY_BUDGET_EXHAUSTED", 429);
        var extensions = body["errors"]![0]!["extensions"]!.AsObject();
        extensions["complexity_budget_left"] = 0;
        extensions["complexity_budget_limit"] = 10000000;
        extensions["retry_in_seconds"] = resetSeconds;
        return body;
    }

    /// <summary>False once <see cref="MondaySimState.FailGraphQlAfterCalls"/> GraphQL requests have passed.</summary>
    private static bool CountTowardsFailure(MondaySimState state)
    {
        lock (state.Sync)
        {
            if (state.FailGraphQlAfterCalls is not { } left)
            {
                return true;
            }
            if (left <= 0)
            {
                return false;
            }
            state.FailGraphQlAfterCalls = left - 1;
            return true;
        }
    }

    private static async Task MapScimErrorsAsync(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (ScimException e)
        {
            await ScimProtocol.WriteErrorAsync(context, e.Status, e.ScimType, e.Message);
        }
    }

    /// <summary>Seconds to wait when the sliding one-minute window is full; null when the request may pass.</summary>
    private static int? RetryAfter(MondaySimState state)
    {
        lock (state.Sync)
        {
            return RetryAfter(state.RecentRequests, state.RateLimitPerMinute, state.Time.GetUtcNow());
        }
    }

    /// <summary>
    /// The sliding one-minute window over <paramref name="recent"/> (the caller holds its lock): seconds to wait when
    /// it is full, or null after counting this request (always null when <paramref name="limit"/> is 0
    /// or less). The Roadmunk simulator limits its requests so too.
    /// </summary>
    public static int? RetryAfter(Queue<DateTimeOffset> recent, int limit, DateTimeOffset now)
    {
        if (limit <= 0)
        {
            recent.Clear();
            return null;
        }
        while (recent.Count > 0 && recent.Peek() <= now - Window)
        {
            recent.Dequeue();
        }
        if (recent.Count >= limit)
        {
            return Math.Max(1, (int)Math.Ceiling((recent.Peek() + Window - now).TotalSeconds));
        }
        recent.Enqueue(now);
        return null;
    }

    private static async Task WriteGraphQlAsync(HttpContext context, int status, JsonObject body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString());
    }

    private static bool IsGraphQl(HttpContext context) => context.Request.Path.StartsWithSegments("/v2", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// monday's personal tokens come bare (<c>Authorization: token</c>) or as <c>Bearer token</c> and have every right;
    /// OAuth tokens come as <c>Bearer token</c> and carry their scopes to <see cref="GraphQlEndpoint"/>.
    /// </summary>
    private static bool AuthenticateGraphQl(HttpContext context, MondaySimState state)
    {
        var header = context.Request.Headers.Authorization.ToString().Trim();
        const string prefix = "Bearer ";
        var bearer = header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase);
        var token = bearer ? header[prefix.Length..].Trim() : header;
        if (!string.IsNullOrEmpty(state.ApiToken)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(state.ApiToken)))
        {
            return true;
        }
        if (bearer && token.Length > 0 && state.OAuth.ScopesOf(token) is { } scopes)
        {
            GraphQlEndpoint.SetScopes(context, scopes);
            return true;
        }
        return false;
    }

    private static bool IsScim(HttpContext context) => context.Request.Path.StartsWithSegments("/scim/v2", StringComparison.OrdinalIgnoreCase);

    public static bool HasToken(HttpContext context, string expected)
    {
        var header = context.Request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        if (!header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(
            Encoding.UTF8.GetBytes(header[prefix.Length..].Trim()), Encoding.UTF8.GetBytes(expected));
    }
}
