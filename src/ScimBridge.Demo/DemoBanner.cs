using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using ScimBridge.Admin;
using ScimBridge.Auth;

namespace ScimBridge.Demo;

/// <summary>
/// Once the server listens: creates a fresh inbound token and a demo admin (a fresh password), and prints, to standard
/// output only, where to send SCIM, with which token, the console with that admin, and ready-to-paste curl commands.
/// The secrets are never logged.
/// </summary>
public sealed class DemoBanner(DemoMode demo, IServer server, IServiceScopeFactory scopes, TimeProvider time) : IHostedLifecycleService
{
    public const string TenantUrlLabel = "Tenant URL:";
    public const string SecretTokenLabel = "Secret Token:";
    public const string SimulatorUrlLabel = "monday.com simulator:";
    public const string SimulatorTokenLabel = "Simulator token:";
    public const string ConsoleUrlLabel = "Console:";
    public const string AdminUserLabel = "Username:";
    public const string AdminPasswordLabel = "Password:";
    public const string AdminUserName = "demo";
    public const string EndLine = "Press Ctrl+C to stop the bridge and the simulator.";

    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var stamp = now.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        await using var scope = scopes.CreateAsyncScope();
        var token = await scope.ServiceProvider.GetRequiredService<TokenService>().CreateAsync($"demo-{stamp}", cancellationToken);
        var password = await DemoAdminAsync(scope.ServiceProvider, cancellationToken);
        await Console.Out.WriteAsync(Banner(ListeningUrl(), token.Token, stamp, password));
        await Console.Out.FlushAsync(cancellationToken);
    }

    /// <summary>The demo admin with a fresh password, every run (the demo's database outlives it).</summary>
    private static async Task<string> DemoAdminAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var accounts = services.GetRequiredService<AdminAccounts>();
        var password = AdminPasswords.Generate();
        if (await accounts.SetPasswordAsync(AdminUserName, password, "demo", cancellationToken))
        {
            await accounts.EnableAsync(AdminUserName, "demo", cancellationToken);
        }
        else
        {
            await accounts.CreateAsync(AdminUserName, password, "demo", cancellationToken);
        }

        return password;
    }

    private string Banner(string bridge, string token, string stamp, string password)
    {
        var tenantUrl = bridge + "/scim/v2";
        var simulator = demo.SimulatorUrl.ToString().TrimEnd('/');
        var user = $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ada-{{stamp}}@example.com","displayName":"Ada Lovelace","active":true}""";
        var text = new StringBuilder()
            .AppendLine()
            .AppendLine("==================== ScimBridge demo ====================")
            .AppendLine("Identity provider settings (inbound SCIM):")
            .AppendLine(CultureInfo.InvariantCulture, $"  {TenantUrlLabel,-22} {tenantUrl}")
            .AppendLine(CultureInfo.InvariantCulture, $"  {SecretTokenLabel,-22} {token}")
            .AppendLine("Web console (a demo admin, with a new password every run):")
            .AppendLine(CultureInfo.InvariantCulture, $"  {ConsoleUrlLabel,-22} {bridge}/admin")
            .AppendLine(CultureInfo.InvariantCulture, $"  {AdminUserLabel,-22} {AdminUserName}")
            .AppendLine(CultureInfo.InvariantCulture, $"  {AdminPasswordLabel,-22} {password}")
            .AppendLine("Push target (in this process, instead of monday.com):")
            .AppendLine(CultureInfo.InvariantCulture, $"  {SimulatorUrlLabel,-22} {simulator}/scim/v2")
            .AppendLine(CultureInfo.InvariantCulture, $"  {SimulatorTokenLabel,-22} {demo.SimulatorScimToken}")
            .AppendLine()
            .AppendLine("Create a user:")
            .AppendLine(CultureInfo.InvariantCulture, $"  curl -sS -X POST '{tenantUrl}/Users' -H 'Authorization: Bearer {token}' -H 'Content-Type: application/scim+json' -d '{user}'")
            .AppendLine("See what arrived in \"monday.com\" (users, groups and every request it got):")
            .AppendLine(CultureInfo.InvariantCulture, $"  curl -sS '{simulator}/_sim/state' -H 'Authorization: Bearer {demo.SimulatorScimToken}'")
            .AppendLine()
            .AppendLine(EndLine)
            .AppendLine("==========================================================")
            .AppendLine();
        return text.ToString();
    }

    /// <summary>The server's real address (Kestrel's default when none was configured), wildcard hosts as localhost.</summary>
    private string ListeningUrl()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.OrderBy(a => a.StartsWith("https:", StringComparison.OrdinalIgnoreCase)).FirstOrDefault()
            ?? "http://localhost:5000";
        if (Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.Host is "0.0.0.0" or "[::]" or "::")
        {
            address = new UriBuilder(uri) { Host = "localhost" }.Uri.ToString();
        }

        return address.TrimEnd('/');
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
