using System.Globalization;
using MondayFaults = ScimBridge.MondaySim.Faults;

namespace ScimBridge.RoadmunkSim;

/// <summary>
/// The request pipeline in front of the endpoints: the API token (GraphQL and <c>/_sim</c>) and the switchable
/// faults, which apply to GraphQL only.
/// </summary>
public static class Faults
{
    public static WebApplication UseRoadmunkPipeline(this WebApplication app)
    {
        app.Use(AuthenticateAsync);
        app.Use(InjectFaultsAsync);
        return app;
    }

    private static async Task AuthenticateAsync(HttpContext context, RequestDelegate next)
    {
        var state = context.RequestServices.GetRequiredService<RoadmunkSimState>();
        // The admin endpoints ignore TokenRevoked, or a test could never switch it back.
        var revoked = IsGraphQl(context) && state.TokenRevoked;
        if (revoked || !MondayFaults.HasToken(context, state.ApiToken))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await GraphQlEndpoint.WriteErrorAsync(context, 401, "Unauthorized: invalid or revoked API token.", "UNAUTHENTICATED");
            return;
        }
        await next(context);
    }

    private static async Task InjectFaultsAsync(HttpContext context, RequestDelegate next)
    {
        if (!IsGraphQl(context))
        {
            await next(context);
            return;
        }
        var state = context.RequestServices.GetRequiredService<RoadmunkSimState>();
        if (RetryAfter(state) is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
            await GraphQlEndpoint.WriteErrorAsync(context, 429, "Too many requests.", "RATE_LIMITED");
            return;
        }
        if (state.DropConnections)
        {
            context.Abort();
            return;
        }
        if (Fails(state))
        {
            await GraphQlEndpoint.WriteErrorAsync(context, 500, "Internal server error.", "INTERNAL_SERVER_ERROR");
            return;
        }
        await next(context);
    }

    private static bool Fails(RoadmunkSimState state)
    {
        lock (state.Sync)
        {
            state.GraphQlCalls++;
            return state.GraphQlCalls > state.FailAfterCalls
                || (state.FailureRate > 0 && state.Random.NextDouble() < state.FailureRate);
        }
    }

    /// <summary>Seconds to wait when the sliding one-minute window is full; null when the request may pass.</summary>
    private static int? RetryAfter(RoadmunkSimState state)
    {
        lock (state.Sync)
        {
            return MondayFaults.RetryAfter(state.RecentRequests, state.RateLimitPerMinute, state.Time.GetUtcNow());
        }
    }

    private static bool IsGraphQl(HttpContext context) => context.Request.Path.StartsWithSegments(GraphQlEndpoint.Path, StringComparison.OrdinalIgnoreCase);
}
