namespace ScimBridge.RoadmunkSim;

public static class RoadmunkSimulator
{
    /// <summary>
    /// Builds the simulator from command-line style arguments (<c>--urls</c>, <c>--api-token</c>, <c>--max-limit</c>,
    /// <c>--report-headers</c>, <c>--invite-returns</c>, <c>--invite-reactivates</c>, <c>--fault-rate-limit</c>, <c>--fault-failure-rate</c>, <c>--fault-fail-after-calls</c>,
    /// <c>--random-seed</c>). Tests pass their own <paramref name="time"/>.
    /// </summary>
    public static WebApplication Build(string[] args, TimeProvider? time = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        var config = builder.Configuration;
        var apiToken = config["api-token"];
        if (string.IsNullOrWhiteSpace(apiToken))
        {
            throw new InvalidOperationException("The simulator needs --api-token <token>.");
        }
        var state = new RoadmunkSimState(apiToken, time ?? TimeProvider.System, config.GetValue("random-seed", 1))
        {
            MaxLimit = config.GetValue("max-limit", RoadmunkSimState.DefaultMaxLimit),
            ReportHeaders = config.GetValue("report-headers", ReportHeaders.Standard),
            InviteReturns = config.GetValue("invite-returns", InviteReturns.User),
            InviteReactivates = config.GetValue("invite-reactivates", true),
            RateLimitPerMinute = config.GetValue("fault-rate-limit", 0),
            FailureRate = config.GetValue("fault-failure-rate", 0.0),
            FailAfterCalls = config.GetValue<int?>("fault-fail-after-calls"),
        };
        builder.Services.AddSingleton(state);

        var app = builder.Build();
        app.UseRoadmunkPipeline();
        app.MapRoadmunkGraphQl();
        app.MapRoadmunkAdmin();
        return app;
    }
}
