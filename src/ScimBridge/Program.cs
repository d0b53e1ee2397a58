using ScimBridge;
using ScimBridge.Admin;
using ScimBridge.Auth;
using ScimBridge.Cli;
using ScimBridge.Data;
using ScimBridge.Demo;
using ScimBridge.Hr;
using ScimBridge.Logs;
using ScimBridge.Mirror;
using ScimBridge.Monday;
using ScimBridge.Operations;
using ScimBridge.Push;
using ScimBridge.Reclamation;
using ScimBridge.Scim;

if (CommandLine.Parse(args) is { } command)
{
    return await CommandLine.RunAsync(command);
}

if (CommandLine.IsHelp(args))
{
    CommandLine.PrintHelp(Console.Out);
    return 0;
}

try
{
    return await RunServerAsync(args);
}
catch (Exception ex) when (StartupFailure.Handles(ex))
{
    return await StartupFailure.ReportAsync(ex);
}

static async Task<int> RunServerAsync(string[] args)
{
    await using var demo = await DemoMode.StartIfRequestedAsync(args);
    var builder = BridgeConfiguration.CreateBuilder(demo?.BridgeArgs ?? args, demo is not null);
    demo?.Configure(builder);

    builder.Services.AddSingleton(TimeProvider.System);
    builder.Services.AddForwardedHttps();
    builder.Services.AddScimBridgeDatabase(builder.Configuration);
    builder.Services.AddScimAuthentication(builder.Configuration);
    builder.Services.AddScim();
    builder.Services.AddMondayMapping(builder.Configuration);
    builder.Services.AddMondayClient(builder.Configuration);
    builder.Services.AddPush(builder.Configuration);
    builder.Services.AddMirror(builder.Configuration);
    builder.Services.AddReclamation(builder.Configuration);
    builder.Services.AddHr(builder.Configuration);
    builder.Services.AddAdmin();
    builder.Services.AddAdminConsole(builder.Configuration);
    builder.Services.AddLogs(builder.Configuration);
    builder.Services.AddHealth();
    builder.Services.AddOperations(builder.Configuration);

    var app = builder.Build();

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

    try
    {
        // Options are checked here, not in the host's start, whose failure would log its stack trace.
        app.Services.GetService<Microsoft.Extensions.Options.IStartupValidator>()?.Validate();
        await app.Services.MigrateDatabaseAsync();
        await app.StartAsync();
    }
    catch (Exception ex) when (StartupFailure.Handles(ex))
    {
        await StartupFailure.StopAsync(app);
        throw;
    }
    StartupFailure.Started();
    await app.WaitForShutdownAsync();
    await app.DisposeAsync();
    return 0;
}

public partial class Program;
