using ScimBridge.Admin;
using ScimBridge.Auth;
using ScimBridge.Data;
using ScimBridge.Hr;
using ScimBridge.Logs;
using ScimBridge.Mirror;
using ScimBridge.Monday;
using ScimBridge.Operations;
using ScimBridge.Push;
using ScimBridge.Reclamation;
using ScimBridge.Scim;

namespace ScimBridge;

/// <summary>
/// What the bridge is made of, in one place: the server and every command register the same services, so a command
/// acts on the server's database with the server's settings. A command builds the host and never starts it: the
/// hosted services (push worker, schedulers, log retention) do not run there.
/// </summary>
public static class ScimBridgeComposition
{
    public static WebApplicationBuilder AddScimBridge(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var configuration = builder.Configuration;
        services.AddSingleton(TimeProvider.System);
        services.AddForwardedHttps();
        services.AddScimBridgeDatabase(configuration);
        services.AddScimAuthentication(configuration);
        services.AddScim();
        services.AddMondayMapping(configuration);
        services.AddMondayClient(configuration);
        services.AddPush(configuration);
        services.AddMirror(configuration);
        services.AddReclamation(configuration);
        services.AddHr(configuration);
        services.AddAdmin();
        services.AddAdminConsole(configuration);
        services.AddLogs(configuration);
        services.AddHealth();
        services.AddOperations(configuration);
        return builder;
    }

    /// <summary>The request pipeline and the endpoints.</summary>
    public static WebApplication UseScimBridge(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseForwardedHttps();
        app.UseScimStatusCodeErrors();
        app.UseStoreUnavailable();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseInboundRateLimiting();

        app.MapHealth();
        app.MapScim();
        app.MapAdminApi();
        app.MapReclamation();
        app.MapHr();
        app.MapOperations();
        app.MapAdminConsole();
        return app;
    }
}
