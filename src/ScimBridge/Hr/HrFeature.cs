using ScimBridge.Admin;
using ScimBridge.Auth;
using ScimBridge.Data;
using ScimBridge.Operations;

namespace ScimBridge.Hr;

/// <summary>
/// HR-driven lifecycle: the /hr/v1 API (its own token scope), the durable schedule of terminations, rehires and moves,
/// the leaver pipeline, asynchronous bulk uploads and roster imports.
/// </summary>
public static class HrFeature
{
    public const string Policy = "Hr";
    public const string TokenScheme = "HrToken";

    public static IServiceCollection AddHr(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<HrOptions>(configuration.GetSection(HrOptions.Section));
        services.AddAuthentication().AddScheme<SecretTokenOptions, SecretTokenHandler>(TokenScheme, o => o.Scope = TokenScopes.Hr);
        services.AddAuthorizationBuilder()
            .AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(TokenScheme).RequireAuthenticatedUser());
        services.AddOpenApi("hr", options =>
        {
            options.ShouldInclude = description => description.RelativePath?.StartsWith("hr/v1", StringComparison.OrdinalIgnoreCase) == true;
            HrOpenApi.Configure(options);
        });
        services.AddSingleton<HrSignal>();
        services.AddSingleton<WorkerDirectory>();
        services.AddSingleton<HrLifecycle>();
        services.AddSingleton<HrGuard>();
        services.AddSingleton<LeaverPipeline>();
        services.AddSingleton<HrScheduler>();
        services.AddHostedService<HrTicker>();
        services.AddSingleton<HrJobs>();
        services.AddHostedService<HrJobWorker>();
        services.AddSingleton<RosterImport>();
        return services;
    }

    public static void MapHr(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var hr = app.MapGroup("/hr/v1")
            .RequireAuthorization(Policy)
            .RequireRateLimiting(Operations.InboundRateLimiting.Policy)
            .AddEndpointFilter<AdminErrorFilter>();
        hr.MapHrApi();
        hr.MapBulkUpload();
        hr.MapRosters();
        app.MapOpenApi("/hr/v1/openapi/{documentName}.json").RequireAuthorization(Policy);
    }
}
