using ScimBridge.Admin.Pages;
using ScimBridge.Tests.Console;

namespace ScimBridge.Tests.Cli;

/// <summary>
/// A command reads the server's configuration: settings given before or after the verb, environment, and the files
/// of SCIMBRIDGE_SECRETS_DIR; so an admin it creates signs in to the server run with the same settings.
/// </summary>
public sealed class CommandConfigurationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("scimbridge-cli-").FullName;

    [Theory, AllDatabases]
    public async Task AdminCreate_WithSettingsBeforeTheVerb_SignsInToTheServerOnThoseSettings(DatabaseProvider provider)
    {
        // The app disposes it.
        var database = await TestDatabases.CreateAsync(provider);

        var created = await BridgeCommand.RunAsync(_directory, null, ConsoleHttp.Password + "\n", TimeSpan.FromSeconds(60),
            "--Database:Provider", provider.ToString(), "--ConnectionStrings:ScimBridge", database.ConnectionString,
            "admin", "create", "--name", "alice", "--password-stdin");

        Assert.True(created.ExitCode == 0, created.ToString());
        await using var app = await ScimApp.StartAsync(provider, database: database);
        using var browser = app.Browser();
        using var signIn = await browser.SignInAsync("alice");
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/admin", signIn.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task AdminCommands_ReadSecretFiles_AndSettingsAfterTheVerb()
    {
        var file = Path.Combine(_directory, "bridge.db");
        var secrets = Directory.CreateDirectory(Path.Combine(_directory, "secrets")).FullName;
        await File.WriteAllTextAsync(Path.Combine(secrets, "ConnectionStrings__ScimBridge"), $"Data Source={file}");

        var created = await BridgeCommand.RunAsync(_directory, new Dictionary<string, string> { ["SCIMBRIDGE_SECRETS_DIR"] = secrets }, null,
            TimeSpan.FromSeconds(60), "admin", "create", "--name", "bob");
        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.True(File.Exists(file), "the secret file's database was written");
        Assert.False(File.Exists(Path.Combine(_directory, "scimbridge.db")), "not the default database");

        var list = await BridgeCommand.RunAsync(_directory, "admin", "list", "--ConnectionStrings:ScimBridge", $"Data Source={file}");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains(list.Lines, l => l.StartsWith("bob ", StringComparison.Ordinal) && l.EndsWith("active", StringComparison.Ordinal));

        var equals = await BridgeCommand.RunAsync(_directory, "token", "list", $"--ConnectionStrings:ScimBridge=Data Source={file}");
        Assert.True(equals.ExitCode == 0, equals.ToString());
    }

    [Theory, AllDatabases]
    public async Task TokenAndAdminCreate_WriteToTheDatabaseNamedInTheSecretsDirectory(DatabaseProvider provider)
    {
        // The app disposes it.
        var database = await TestDatabases.CreateAsync(provider);
        var secrets = Directory.CreateDirectory(Path.Combine(_directory, "secrets")).FullName;
        await File.WriteAllTextAsync(Path.Combine(secrets, "Database__Provider"), provider.ToString());
        await File.WriteAllTextAsync(Path.Combine(secrets, "ConnectionStrings__ScimBridge"), database.ConnectionString);
        var environment = new Dictionary<string, string> { ["SCIMBRIDGE_SECRETS_DIR"] = secrets };

        var token = await BridgeCommand.RunAsync(_directory, environment, null, TimeSpan.FromSeconds(60), "token", "create", "--name", "idp");
        Assert.True(token.ExitCode == 0, token.ToString());
        // The first command on a fresh database: migrating it is not an error (EF Core logs one when the history is read before it exists).
        Assert.DoesNotContain("\"LogLevel\":\"Error\"", token.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Failed executing DbCommand", token.ToString(), StringComparison.Ordinal);
        var admin = await BridgeCommand.RunAsync(_directory, environment, ConsoleHttp.Password + "\n", TimeSpan.FromSeconds(60),
            "admin", "create", "--name", "carol", "--password-stdin");
        Assert.True(admin.ExitCode == 0, admin.ToString());
        Assert.False(File.Exists(Path.Combine(_directory, "scimbridge.db")), "not the default database");

        await using var app = await ScimApp.StartAsync(provider, database: database);
        using var scim = app.CreateScimClient(token.Lines[^1]);
        using var users = await scim.GetAsync(new Uri("/scim/v2/Users", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, users.StatusCode);
        using var browser = app.Browser();
        using var signIn = await browser.SignInAsync("carol");
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/admin", signIn.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task AMistypedSecretsDirectory_StopsTheCommand_NamingIt_AndTouchesNoDatabase()
    {
        var missing = Path.Combine(_directory, "no-such-secrets");
        var environment = new Dictionary<string, string> { ["SCIMBRIDGE_SECRETS_DIR"] = missing };

        var result = await BridgeCommand.RunAsync(_directory, environment, null, TimeSpan.FromSeconds(60), "token", "create", "--name", "idp");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains($"SCIMBRIDGE_SECRETS_DIR names '{missing}', which is not a directory", result.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_directory, "scimbridge.db")), "the default database must not be created");
    }

    [Fact]
    public async Task AMistypedOptionAfterTheVerb_StillFails()
    {
        var result = await BridgeCommand.RunAsync(_directory, "admin", "list", "--nmae", "x", "--ConnectionStrings:ScimBridge", $"Data Source={Path.Combine(_directory, "x.db")}");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--nmae", result.Error, StringComparison.Ordinal);
    }

    [Theory, AllDatabases]
    public async Task AdminDisable_RefusesSignIn_Enable_RestoresIt_AndResetPassword_PrintsANewOne(DatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        await using var app = await ScimApp.StartAsync(provider, database: database);
        await app.CreateAdminAsync("alice");

        Assert.Equal(0, (await BridgeCli.RunAsync(database, null, "admin", "disable", "--name", "alice")).ExitCode);
        using (var browser = app.Browser())
        using (var refused = await browser.SignInAsync("alice"))
        {
            Assert.NotEqual(HttpStatusCode.Redirect, refused.StatusCode);
            Assert.Contains(LoginModel.FailedMessage, await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var list = await BridgeCli.RunAsync(database, null, "admin", "list");
        Assert.Contains(list.Lines, l => l.StartsWith("alice ", StringComparison.Ordinal) && l.Contains("disabled", StringComparison.Ordinal));

        var enabled = await BridgeCli.RunAsync(database, null, "admin", "enable", "--name", "alice");
        Assert.True(enabled.ExitCode == 0, enabled.Error);
        using (var browser = app.Browser())
        using (var signIn = await browser.SignInAsync("alice"))
        {
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        }

        var reset = await BridgeCli.RunAsync(database, null, "admin", "reset-password", "--name", "alice");
        Assert.True(reset.ExitCode == 0, reset.Error);
        var password = reset.Lines[^1];
        using (var browser = app.Browser())
        using (var signIn = await browser.SignInAsync("alice", password))
        {
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        }

        var unknown = await BridgeCli.RunAsync(database, null, "admin", "enable", "--name", "nobody");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("No admin account named 'nobody'", unknown.Error, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
