namespace ScimBridge.Tests.Auth;

/// <summary>The token CLI run as a real process of the server binary, against the same database the server uses.</summary>
public sealed class TokenCommandTests
{
    [Theory, AllDatabases]
    public async Task TokenCreate_PrintsAWorkingToken_StoresOnlyItsHash_AndRevokeShutsItOut(DatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        var create = await BridgeCli.RunAsync(database, null, "token", "create", "--name", "entra-prod");
        Assert.Equal(0, create.ExitCode);
        var token = create.Lines[^1];
        Assert.StartsWith("scb_", token, StringComparison.Ordinal);

        await using var app = await ScimApp.StartAsync(provider, database: database);
        var stored = await app.DbAsync(db => Task.FromResult(db.ScimTokens.Single(t => t.Name == "entra-prod")));
        Assert.DoesNotContain(token, stored.Hash, StringComparison.Ordinal);
        Assert.Equal(64, stored.Hash.Length);

        using var client = app.CreateScimClient(token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/scim/v2/Users")).StatusCode);

        var list = await BridgeCli.RunAsync(database, null, "token", "list");
        Assert.Equal(0, list.ExitCode);
        Assert.Contains(list.Lines, l => l.StartsWith("entra-prod", StringComparison.Ordinal) && l.EndsWith("active", StringComparison.Ordinal));
        Assert.DoesNotContain(list.Lines, l => l.Contains(token, StringComparison.Ordinal));

        var duplicate = await BridgeCli.RunAsync(database, null, "token", "create", "--name", "entra-prod");
        Assert.NotEqual(0, duplicate.ExitCode);

        var revoke = await BridgeCli.RunAsync(database, null, "token", "revoke", "--name", "entra-prod");
        Assert.Equal(0, revoke.ExitCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/scim/v2/Users")).StatusCode);

        var again = await BridgeCli.RunAsync(database, null, "token", "revoke", "--name", "entra-prod");
        Assert.Equal(1, again.ExitCode);

        // The name is free again once revoked.
        var recreate = await BridgeCli.RunAsync(database, null, "token", "create", "--name", "entra-prod");
        Assert.Equal(0, recreate.ExitCode);
        Assert.NotEqual(token, recreate.Lines[^1]);
    }

    [Fact]
    public async Task TokenCreate_WithoutName_FailsWithUsage()
    {
        await using var database = await TestDatabases.CreateAsync(DatabaseProvider.Sqlite);
        var result = await BridgeCli.RunAsync(database, null, "token", "create");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--name", result.Error, StringComparison.Ordinal);
    }
}
