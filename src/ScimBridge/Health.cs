using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ScimBridge.Data;

namespace ScimBridge;

/// <summary>
/// /healthz says the process runs; /readyz that the database answers, its schema is this build's (no migration
/// pending) and it has not recently refused a write (<see cref="StoreHealthCheck"/>). Both are anonymous, and the
/// only endpoints that are.
/// </summary>
public static class Health
{
    public static IServiceCollection AddHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddDbContextCheck<ScimBridgeDbContext>("database", tags: ["ready"])
            .AddCheck<MigrationsHealthCheck>("migrations", tags: ["ready"])
            .AddCheck<StoreHealthCheck>("store", tags: ["ready"]);
        return services;
    }

    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz", new() { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/readyz", new() { Predicate = check => check.Tags.Contains("ready") }).AllowAnonymous();
    }
}

/// <summary>
/// Unhealthy while the database lacks a migration this build has: an instance of a newer build must not take traffic
/// on a schema it does not know (another instance, or this one's start-up, has not upgraded it yet).
/// </summary>
public sealed class MigrationsHealthCheck(ScimBridgeDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        return pending.Count == 0
            ? HealthCheckResult.Healthy("The database schema is up to date.")
            : HealthCheckResult.Unhealthy($"{pending.Count} migration(s) pending: {string.Join(", ", pending)}.",
                data: new Dictionary<string, object> { ["pending"] = pending });
    }
}
