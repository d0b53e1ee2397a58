using System.Net.Http.Json;

namespace ScimBridge.Tests.Scim;

/// <summary>
/// The server runs the inbound paths before it listens (Scim:WarmUpRounds), each round in a transaction it rolls back:
/// the real process, on both stores, says it did, and nothing of it is left in the database.
/// </summary>
public sealed class InboundWarmUpTests
{
    [Theory, AllDatabases]
    public async Task TheServer_WarmsUpBeforeListening_AndLeavesNoRowBehind(DatabaseProvider provider)
    {
        await using var database = await TestDatabases.CreateAsync(provider);
        await using var bridge = await BridgeProcess.StartAsync(database, new Dictionary<string, string>
        {
            ["Scim__WarmUpRounds"] = "3",
            ["Logging__LogLevel__ScimBridge.Scim.InboundWarmUp"] = "Information",
            ["Logging__LogLevel__ScimBridge.Data.DatabaseMigrations"] = "Information",
        });

        var tail = bridge.Tail();
        // The start-up log names the store, so a newcomer sees where the data went.
        Assert.Contains(provider == DatabaseProvider.Sqlite ? "Store: SQLite, file " : "Store: PostgreSQL, database ", tail, StringComparison.Ordinal);
        Assert.Contains("Inbound SCIM warmed up: 3 rounds, rolled back", tail, StringComparison.Ordinal);
        Assert.DoesNotContain("warm-up failed", tail, StringComparison.Ordinal);
        foreach (var table in new[] { "Users", "UserValues", "Changes", "PushStates", "LogEntries" })
        {
            Assert.Equal(0, await database.CountAsync($"SELECT COUNT(*) FROM \"{table}\""));
        }

        using var client = bridge.CreateScimClient();
        var created = await client.PostAsJsonAsync("scim/v2/Users", new
        {
            schemas = new[] { "urn:ietf:params:scim:schemas:core:2.0:User" },
            userName = "ada@contoso.example",
            emails = new[] { new { value = "ada@contoso.example", primary = true } },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(1, await database.CountAsync("SELECT COUNT(*) FROM \"Users\""));
        Assert.Equal(1, await database.CountAsync("SELECT COUNT(*) FROM \"Changes\""));
    }

    [Fact]
    public async Task NoRounds_NoWarmUp()
    {
        await using var database = await TestDatabases.CreateAsync(DatabaseProvider.Sqlite);
        await using var bridge = await BridgeProcess.StartAsync(database, new Dictionary<string, string>
        {
            ["Scim__WarmUpRounds"] = "0",
            ["Logging__LogLevel__ScimBridge.Scim.InboundWarmUp"] = "Information",
        });

        Assert.DoesNotContain("warmed up", bridge.Tail(), StringComparison.Ordinal);
        using var client = bridge.CreateScimClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("scim/v2/Users")).StatusCode);
    }
}
