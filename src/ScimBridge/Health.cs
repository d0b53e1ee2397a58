using Microsoft.Extensions.Diagnostics.HealthChecks;
using ScimBridge.Data;

namespace ScimBridge;

/// <summary>/healthz says the process runs; /readyz that the database answers. Both are anonymous.</summary>
public static class Health
{
    public static IServiceCollection AddHealth(this IServiceCollection services)
    {
        services.AddHealthChecks().AddDbContextCheck<ScimBridgeDbContext>("database", tags: ["ready"]);
        return services;
    }

    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz", new() { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/readyz", new() { Predicate = check => check.Tags.Contains("ready") }).AllowAnonymous();
    }
}
