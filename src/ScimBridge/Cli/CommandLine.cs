using System.CommandLine;
using System.Globalization;
using ScimBridge.Auth;
using ScimBridge.Data;

namespace ScimBridge.Cli;

/// <summary>
/// Administrative commands run by the same binary as the server:
/// <c>token create --name N</c>, <c>token list</c>, <c>token revoke --name N</c>.
/// </summary>
public static class CommandLine
{
    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] is "token";

    public static async Task<int> RunAsync(string[] args)
    {
        var name = new Option<string>("--name") { Description = "The token's name, e.g. the identity provider it is for.", Required = true };
        var scope = new Option<string>("--scope")
        {
            Description = "scim (default): for an identity provider's SCIM client; admin: for scripts calling the admin API.",
            DefaultValueFactory = _ => TokenScopes.Scim,
        };
        scope.AcceptOnlyFromAmong(TokenScopes.Scim, TokenScopes.Admin);
        var create = new Command("create", "Create a bearer token; prints it once, as the last line.") { name, scope };
        create.SetAction((parse, ct) => WithTokens(async tokens =>
        {
            var created = await tokens.CreateAsync(parse.GetValue(name)!, parse.GetValue(scope)!, ct);
            Console.WriteLine($"Created {created.Scope} token '{created.Name}'. Store it now: only its hash is kept, so it cannot be shown again.");
            Console.WriteLine(created.Scope == TokenScopes.Admin
                ? "Send it as 'Authorization: Bearer <token>' to /admin/api:"
                : "Paste it as the Secret Token in your identity provider's provisioning settings:");
            Console.WriteLine(created.Token);
            return 0;
        }));

        var list = new Command("list", "List tokens (names and dates, never the secrets).");
        list.SetAction((_, ct) => WithTokens(async tokens =>
        {
            var all = await tokens.ListAsync(ct);
            Console.WriteLine($"{"NAME",-30} {"SCOPE",-6} {"ID",-14} {"CREATED",-20} {"LAST USED",-20} STATUS");
            foreach (var t in all)
            {
                Console.WriteLine($"{t.Name,-30} {t.Scope,-6} {t.Id,-14} {Format(t.CreatedAt),-20} {Format(t.LastUsedAt),-20} {(t.RevokedAt is null ? "active" : $"revoked {Format(t.RevokedAt)}")}");
            }

            return 0;
        }));

        var revokeName = new Option<string>("--name") { Description = "The name of the token to revoke.", Required = true };
        var revoke = new Command("revoke", "Revoke a token; requests with it are refused within seconds.") { revokeName };
        revoke.SetAction((parse, ct) => WithTokens(async tokens =>
        {
            var tokenName = parse.GetValue(revokeName)!;
            if (await tokens.RevokeAsync(tokenName, ct))
            {
                Console.WriteLine($"Revoked token '{tokenName}'.");
                return 0;
            }

            await Console.Error.WriteLineAsync($"No active token named '{tokenName}'.");
            return 1;
        }));

        var root = new RootCommand("ScimBridge administration") { new Command("token", "Manage bearer tokens (SCIM clients and admin API scripts).") { create, list, revoke } };
        return await root.Parse(args).InvokeAsync();
    }

    private static async Task<int> WithTokens(Func<TokenService, Task<int>> action)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddScimBridgeDatabase(builder.Configuration);
        builder.Services.AddScimAuthentication(builder.Configuration);
        using var host = builder.Build();
        await host.Services.MigrateDatabaseAsync();
        await using var scope = host.Services.CreateAsyncScope();
        try
        {
            return await action(scope.ServiceProvider.GetRequiredService<TokenService>());
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return 1;
        }
    }

    private static string Format(DateTimeOffset? value) =>
        value?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "-";
}
