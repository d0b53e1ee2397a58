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

if (CommandLine.IsCommand(args))
{
    return await CommandLine.RunAsync(args);
}

await using var demo = await DemoMode.StartIfRequestedAsync(args);
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = demo?.BridgeArgs ?? args, ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddSecretFiles(Environment.GetEnvironmentVariable(OperationsFeature.SecretsDirectoryVariable));
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

await app.Services.MigrateDatabaseAsync();
await app.RunAsync();
return 0;

public partial class Program;
