using System.CommandLine;
using System.Globalization;
using ScimBridge.Admin;
using ScimBridge.Auth;
using ScimBridge.Data;
using ScimBridge.Operations;

namespace ScimBridge.Cli;

/// <summary>
/// Administrative commands run by the same binary as the server:
/// <c>token create --name N</c>, <c>token list</c>, <c>token revoke --name N</c>, and console accounts:
/// <c>admin create --name N [--password-stdin]</c>, <c>admin list</c>, <c>admin reset-password --name N [--password-stdin]</c>,
/// <c>admin unlock --name N</c>, <c>admin disable --name N</c>, <c>admin enable --name N</c>; the subscription mirror: see <see cref="MirrorCommands"/>; licence reclamation: see <see cref="ReclaimCommands"/>.
/// Settings (<c>--Section:Key value</c>) may come before the command or after it, and <c>--demo</c> picks the demo's
/// database: a command reads the same configuration as the server (<see cref="BridgeConfiguration"/>).
/// </summary>
public static class CommandLine
{
    private static readonly string[] Verbs = ["token", "admin", "mirror", "reclaim", "hr"];
    private static readonly string[] HelpFlags = ["--help", "-h", "-?"];
    private static Invocation _current = new([], [], false);

    /// <summary>The command's own words, and the settings given before or after them.</summary>
    public sealed record Invocation(string[] Command, string[] Settings, bool Demo);

    public static bool IsHelp(string[] args) => args.Any(a => HelpFlags.Contains(a, StringComparer.Ordinal));

    /// <summary>Null when <paramref name="args"/> name no command (they run the server).</summary>
    public static Invocation? Parse(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var verb = -1;
        for (var i = 0; i < args.Length && verb < 0; i++)
        {
            if (Verbs.Contains(args[i], StringComparer.Ordinal))
            {
                verb = i;
            }
            else if (TakesValue(args[i]))
            {
                i++;
            }
        }

        if (verb < 0)
        {
            return null;
        }

        List<string> command = [], settings = [];
        var demo = false;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg == BridgeConfiguration.DemoFlag)
            {
                demo = true;
            }
            else if (HelpFlags.Contains(arg, StringComparer.Ordinal) || (i >= verb && !IsSetting(arg)))
            {
                command.Add(arg);
            }
            else
            {
                settings.Add(arg);
                if (TakesValue(arg) && i + 1 < args.Length)
                {
                    settings.Add(args[++i]);
                }
            }
        }

        return new Invocation([.. command], [.. settings], demo);
    }

    /// <summary>A dashed word without <c>=</c> is a setting whose value follows, except the flags that stand alone.</summary>
    private static bool TakesValue(string arg) =>
        arg.StartsWith('-') && !arg.Contains('=', StringComparison.Ordinal) && arg != BridgeConfiguration.DemoFlag && !HelpFlags.Contains(arg, StringComparer.Ordinal);

    /// <summary>After the command only settings with a section (<c>--Database:Provider</c>) are taken, so a mistyped option still fails.</summary>
    private static bool IsSetting(string arg) =>
        arg.StartsWith("--", StringComparison.Ordinal) && arg[2..].Split('=')[0].Contains(':', StringComparison.Ordinal);

    /// <summary>The server's configuration, for a command's services (never started).</summary>
    internal static WebApplicationBuilder CreateBuilder() =>
        BridgeConfiguration.CreateBuilder(_current.Settings, _current.Demo);

    public static async Task<int> RunAsync(Invocation invocation)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        _current = invocation;
        var args = invocation.Command;
        var parsed = Root().Parse(args);
        try
        {
            // hr import documents exit code 2 for bad usage (1 is an error in the roster).
            if (parsed.Errors.Count > 0 && args.Length > 0 && args[0] == "hr")
            {
                await parsed.InvokeAsync();
                return 2;
            }

            return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception ex) when (StartupFailure.Handles(ex))
        {
            return await StartupFailure.ReportAsync(ex);
        }
    }

    /// <summary><c>--help</c> without a command: how to run the server, its main settings, and the commands.</summary>
    public static void PrintHelp(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine("""
            ScimBridge: a SCIM 2.0 provisioning bridge from an identity provider to monday.com.

            Usage (from source: dotnet run --project src/ScimBridge -- <arguments>):
              ScimBridge [settings]                      run the server (http://localhost:5000; console at /admin)
              ScimBridge <command> [settings] [--demo]   run a command on the server's database (with --demo, the demo's)

            Demo: the server with the monday.com simulator, its own database (scimbridge-demo.db) and a demo admin,
            printed once it listens; --demo-monday-port <port> for the simulator's port (a free one):
              dotnet run --project src/ScimBridge.Demo [-- settings]

            Settings (--Key value here, Section__Key in the environment, appsettings.json, files in $SCIMBRIDGE_SECRETS_DIR):
              --urls <urls>                              where to listen, e.g. http://0.0.0.0:8080
              --Database:Provider <Sqlite|Postgres>      the database (Sqlite)
              --ConnectionStrings:ScimBridge <string>    "Data Source=scimbridge.db" (Sqlite) or an Npgsql connection string
              --Monday:TenantUrl <url>                   monday.com's SCIM URL; --Monday:ScimToken and --Monday:ApiToken its tokens
              --Logging:LogLevel:Default <level>         Information; Debug also prints the stack trace of a start-up failure
              --Logging:Console:FormatterName <name>     simple (on a terminal) or json (otherwise)
              -h, --help                                 this help

            Commands (<command> --help for their options):
            """);
        foreach (var command in Root().Subcommands)
        {
            output.WriteLine($"  {command.Name,-10} {command.Description}");
        }

        output.WriteLine();
        output.WriteLine("First steps: ScimBridge admin create --name you (prints a password once), run the server, sign in at /admin.");
    }

    private static RootCommand Root()
    {
        var name = new Option<string>("--name") { Description = "The token's name, e.g. the identity provider it is for.", Required = true };
        var scope = new Option<string>("--scope")
        {
            Description = "scim (default): for an identity provider's SCIM client; admin: for scripts calling the admin API; hr: for an HR system calling /hr/v1.",
            DefaultValueFactory = _ => TokenScopes.Scim,
        };
        scope.AcceptOnlyFromAmong(TokenScopes.Scim, TokenScopes.Admin, TokenScopes.Hr);
        var create = new Command("create", "Create a bearer token; prints it once, as the last line.") { name, scope };
        create.SetAction((parse, ct) => WithTokens(async tokens =>
        {
            var created = await tokens.CreateAsync(parse.GetValue(name)!, parse.GetValue(scope)!, ct);
            Console.WriteLine($"Created {created.Scope} token '{created.Name}'. Store it now: only its hash is kept, so it cannot be shown again.");
            Console.WriteLine(created.Scope switch
            {
                TokenScopes.Admin => "Send it as 'Authorization: Bearer <token>' to /admin/api:",
                TokenScopes.Hr => "Send it as 'Authorization: Bearer <token>' to /hr/v1:",
                _ => "Paste it as the Secret Token in your identity provider's provisioning settings:",
            });
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

        var root = new RootCommand("ScimBridge administration")
        {
            new Command("token", "Manage bearer tokens (SCIM clients and admin API scripts).") { create, list, revoke },
            AdminCommand(),
            MirrorCommands.Command(),
            ReclaimCommands.Command(),
            HrCommands.Command(),
        };
        return root;
    }

    private static Command AdminCommand()
    {
        Option<string> Name() => new("--name") { Description = "The admin's username.", Required = true };
        Option<bool> PasswordStdin() => new("--password-stdin")
        {
            Description = "Read the password from the first line of standard input instead of generating one (printed once).",
        };

        var createName = Name();
        var createStdin = PasswordStdin();
        var create = new Command("create", "Create a console admin account.") { createName, createStdin };
        create.SetAction((parse, ct) => WithAccounts(async accounts =>
        {
            var (password, generated) = await PasswordAsync(parse.GetValue(createStdin));
            var account = await accounts.CreateAsync(parse.GetValue(createName)!, password, AdminAccounts.CommandLine, ct);
            Console.WriteLine($"Created admin account '{account.UserName}'. Sign in at /admin/login.");
            PrintGenerated(password, generated);
            return 0;
        }));

        var list = new Command("list", "List console admin accounts.");
        list.SetAction((_, ct) => WithAccounts(async accounts =>
        {
            Console.WriteLine($"{"NAME",-30} {"CREATED",-20} {"LAST LOGIN",-20} STATUS");
            var now = DateTimeOffset.UtcNow;
            foreach (var a in await accounts.ListAsync(ct))
            {
                var status = a.DisabledAt is not null ? $"disabled {Format(a.DisabledAt)}"
                    : a.LockedUntil > now ? $"locked until {Format(a.LockedUntil)} (some addresses)"
                    : "active";
                Console.WriteLine($"{a.UserName,-30} {Format(a.CreatedAt),-20} {Format(a.LastLoginAt),-20} {status}");
            }

            return 0;
        }));

        var resetName = Name();
        var resetStdin = PasswordStdin();
        var reset = new Command("reset-password", "Set a new password, lift a lockout and end the sessions opened with the old one.") { resetName, resetStdin };
        reset.SetAction((parse, ct) => WithAccounts(async accounts =>
        {
            var name = parse.GetValue(resetName)!;
            var (password, generated) = await PasswordAsync(parse.GetValue(resetStdin));
            if (!await accounts.SetPasswordAsync(name, password, ct))
            {
                return await NoSuchAccountAsync(name);
            }

            Console.WriteLine($"Set a new password for '{name}'.");
            PrintGenerated(password, generated);
            return 0;
        }));

        var unlockName = Name();
        var unlock = new Command("unlock", "Lift a lockout after repeated failed sign-ins.") { unlockName };
        unlock.SetAction((parse, ct) => WithAccounts(async accounts =>
        {
            var name = parse.GetValue(unlockName)!;
            if (!await accounts.UnlockAsync(name, ct))
            {
                return await NoSuchAccountAsync(name);
            }

            Console.WriteLine($"Unlocked '{name}'.");
            return 0;
        }));

        var disableName = Name();
        var disable = new Command("disable", "Disable an account: it cannot sign in, and its open sessions end.") { disableName };
        disable.SetAction((parse, ct) => WithAccounts(async accounts =>
        {
            var name = parse.GetValue(disableName)!;
            if (!await accounts.DisableAsync(name, ct))
            {
                return await NoSuchAccountAsync(name);
            }

            Console.WriteLine($"Disabled '{name}'.");
            return 0;
        }));

        var enableName = Name();
        var enable = new Command("enable", "Let a disabled account sign in again (with its password; reset-password gives it a new one).") { enableName };
        enable.SetAction((parse, ct) => WithAccounts(async accounts =>
        {
            var name = parse.GetValue(enableName)!;
            if (!await accounts.EnableAsync(name, ct))
            {
                return await NoSuchAccountAsync(name);
            }

            Console.WriteLine($"Enabled '{name}'.");
            return 0;
        }));

        return new Command("admin", "Manage console admin accounts.") { create, list, reset, unlock, disable, enable };
    }

    private static async Task<(string Password, bool Generated)> PasswordAsync(bool fromStdin)
    {
        if (!fromStdin)
        {
            return (AdminPasswords.Generate(), true);
        }

        var line = await Console.In.ReadLineAsync();
        return (line?.TrimEnd('\r') ?? "", false);
    }

    private static void PrintGenerated(string password, bool generated)
    {
        if (generated)
        {
            Console.WriteLine("Its password, shown only this once (only a hash is kept):");
            Console.WriteLine(password);
        }
    }

    private static async Task<int> NoSuchAccountAsync(string name)
    {
        await Console.Error.WriteLineAsync($"No admin account named '{name}'.");
        return 1;
    }

    private static Task<int> WithTokens(Func<TokenService, Task<int>> action) => WithServiceAsync(action);

    private static Task<int> WithAccounts(Func<AdminAccounts, Task<int>> action) => WithServiceAsync(action);

    private static async Task<int> WithServiceAsync<T>(Func<T, Task<int>> action)
        where T : notnull
    {
        var builder = CreateBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        using var host = builder.AddScimBridge().Build();
        await host.Services.MigrateDatabaseAsync();
        await using var scope = host.Services.CreateAsyncScope();
        try
        {
            return await action(scope.ServiceProvider.GetRequiredService<T>());
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return 1;
        }
    }

    internal static string Format(DateTimeOffset? value) =>
        value?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "-";
}
