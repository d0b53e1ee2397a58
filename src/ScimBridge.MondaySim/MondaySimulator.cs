using ScimBridge.MondaySim.GraphQl;
using ScimBridge.MondaySim.OAuth;
using ScimBridge.MondaySim.Scim;

namespace ScimBridge.MondaySim;

public static class MondaySimulator
{
    /// <summary>
    /// Builds the simulator from command-line style arguments (<c>--urls</c>, <c>--scim-token</c>, <c>--api-token</c>,
    /// <c>--fault-rate-limit</c>, <c>--fault-failure-rate</c>, <c>--fault-429-rate</c>, <c>--fault-latency-ms</c>, <c>--max-page-size</c>,
    /// <c>--delete-behavior</c>, <c>--random-seed</c>, <c>--api-version</c> (served when a request names none), the OAuth app's <c>--oauth-*</c>). Tests pass their own <paramref name="time"/>.
    /// </summary>
    public static WebApplication Build(string[] args, TimeProvider? time = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        var config = builder.Configuration;
        var scimToken = config["scim-token"];
        if (string.IsNullOrWhiteSpace(scimToken))
        {
            throw new InvalidOperationException("The simulator needs --scim-token <token>.");
        }
        var state = new MondaySimState(scimToken, config["api-token"], time ?? TimeProvider.System, config.GetValue("random-seed", 1))
        {
            RateLimitPerMinute = config.GetValue("fault-rate-limit", 0),
            FailureRate = config.GetValue("fault-failure-rate", 0.0),
            TooManyRequestsRate = config.GetValue("fault-429-rate", 0.0),
            LatencyMs = config.GetValue("fault-latency-ms", 0),
            MaxPageSize = config.GetValue("max-page-size", 100),
            DeleteBehavior = config.GetValue("delete-behavior", DeleteBehavior.Deactivate),
            UniqueTeamNames = config.GetValue("unique-team-names", true),
            DefaultApiVersion = config["api-version"] is { Length: > 0 } version ? version : GraphQlEndpoint.DefaultVersion,
        };
        ConfigureOAuth(state.OAuth, config);
        builder.Services.AddSingleton(state);

        var app = builder.Build();
        app.UseSimulatorPipeline();
        app.MapGroup("/scim/v2").MapUsers().MapGroups();
        app.MapGraphQl();
        app.MapOAuth();
        app.MapSimulatorAdmin();
        return app;
    }

    private static void ConfigureOAuth(OAuthApp oauth, IConfiguration config)
    {
        oauth.ClientId = config["oauth-client-id"];
        oauth.ClientSecret = config["oauth-client-secret"];
        if (!string.IsNullOrEmpty(oauth.ClientId) && string.IsNullOrEmpty(oauth.ClientSecret))
        {
            throw new InvalidOperationException("--oauth-client-id needs --oauth-client-secret <secret>.");
        }
        oauth.Scopes = OAuthApp.ParseScopes(config["oauth-scopes"] ?? "users:read users:write account:read");
        oauth.RedirectUris = (config["oauth-redirect-uris"] ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        oauth.Installed = config.GetValue("oauth-installed", true);
        oauth.Consent = config.GetValue("oauth-consent", OAuthConsent.Approve);
        oauth.Flow = config.GetValue("oauth-flow", OAuthFlow.Classic);
    }
}
