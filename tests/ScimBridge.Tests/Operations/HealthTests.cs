using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ScimBridge.Tests.Data;

namespace ScimBridge.Tests.Operations;

public sealed class HealthTests
{
    [Theory, AllDatabases]
    public async Task HealthAndReadiness_AreAnonymous_AndHealthyOnAMigratedDatabase(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        using var anonymous = app.CreateScimClient(null);

        var healthz = await anonymous.GetAsync("/healthz");
        var readyz = await anonymous.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, healthz.StatusCode);
        Assert.Equal(HttpStatusCode.OK, readyz.StatusCode);
        Assert.Equal("Healthy", await readyz.Content.ReadAsStringAsync());
        Assert.Empty(await app.DbAsync(db => db.Database.GetPendingMigrationsAsync()));
    }

    [Theory, AllDatabases]
    public async Task MigrationsCheck_OnADatabaseMissingMigrations_IsUnhealthyUntilMigrated(DatabaseProvider provider)
    {
        await using var database = await TestDatabases.CreateAsync(provider);
        await using var db = Context(provider, database.ConnectionString);
        // A database left by the hand-written migrations, which the generated baseline takes over.
        await MigrationUpgradeTests.LoadLegacyAsync(database);
        var check = new MigrationsHealthCheck(db);

        var before = await check.CheckHealthAsync(new HealthCheckContext());
        await DatabaseMigrations.MigrateAsync(db);
        var after = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, before.Status);
        Assert.Contains(db.Database.GetMigrations().First(), before.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("20261207000006_OutboundRequests", before.Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Healthy, after.Status);
    }

    [Theory, AllDatabases]
    public async Task EveryEndpoint_NeedsAuthentication_ExceptHealthAndReadiness(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);

        var anonymous = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null || e.Metadata.GetMetadata<IAuthorizeData>() is null)
            .Select(e => e.RoutePattern.RawText)
            .Order(StringComparer.Ordinal)
            .ToList();

        // The console's sign-in form, its stylesheet, the progress page's script and the icon must be reachable to sign in;
        // "/" only redirects to the console; a reclamation notice's keep / give-up link (GET shows it, POST answers)
        // carries its own signed token.
        Assert.Equal(["/", "/admin/console.css", "/admin/progress.js", "/favicon.ico", "/favicon.svg", "/healthz", "/readyz",
                "/reclaim/answer/{token}", "/reclaim/answer/{token}", "admin/error", "admin/login"],
            anonymous.Select(r => r!.ToLowerInvariant()));
        using var client = app.CreateScimClient(null);
        foreach (var path in new[] { "/appsettings.json", "/ScimBridge.dll", "/scimbridge.db", "/admin/Pages/Index.cshtml" })
        {
            Assert.NotEqual(HttpStatusCode.OK, (await client.GetAsync(path)).StatusCode);
        }
    }

    private static ScimBridgeDbContext Context(DatabaseProvider provider, string connectionString) =>
        DatabaseSetup.CreateContext(provider, connectionString);
}
