using System.Net;
using Microsoft.Data.Sqlite;
using ScimBridge.Data;
using ScimBridge.Tests.Infrastructure;

namespace ScimBridge.Tests.Data;

/// <summary>
/// With SQLite's default FULL durability a write is only answered after an fsync of the WAL (a sync transaction,
/// counted in PRAGMA user_version); concurrent writes share syncs instead of paying one each.
/// </summary>
public sealed class SqliteDurabilityTests
{
    [Fact]
    public async Task ConcurrentWrites_AreEachAnsweredAfterASync_AndShareSyncs()
    {
        await using var app = await ScimApp.StartAsync(DatabaseProvider.Sqlite);
        var before = await UserVersionAsync(app.ConnectionString);

        var responses = await Task.WhenAll(Enumerable.Range(0, 64).Select(i =>
            app.PostAsync("/scim/v2/Users", Bodies.User($"durable{i}@example.com"))));

        Assert.All(responses, r => r.AssertStatus(HttpStatusCode.Created));
        var syncs = await UserVersionAsync(app.ConnectionString) - before;
        Assert.InRange(syncs, 1, 64);
        Assert.Equal(64, await app.DbAsync(db => Task.FromResult(db.Users.Count())));
    }

    [Fact]
    public async Task Reads_DoNotWaitForSyncs()
    {
        await using var app = await ScimApp.StartAsync(DatabaseProvider.Sqlite);
        await app.CreateUserAsync("reader@example.com");
        var before = await UserVersionAsync(app.ConnectionString);

        for (var i = 0; i < 5; i++)
        {
            (await app.GetAsync("/scim/v2/Users?filter=userName%20eq%20%22reader%40example.com%22")).AssertStatus(HttpStatusCode.OK);
        }

        Assert.Equal(before, await UserVersionAsync(app.ConnectionString));
    }

    [Fact]
    public async Task NormalDurability_AnswersWithoutSyncing()
    {
        await using var app = await ScimApp.StartAsync(DatabaseProvider.Sqlite, new() { ["Database:SqliteSynchronous"] = "NORMAL" });
        var before = await UserVersionAsync(app.ConnectionString);
        await app.CreateUserAsync("fast@example.com");
        Assert.Equal(before, await UserVersionAsync(app.ConnectionString));
    }

    private static async Task<long> UserVersionAsync(string connectionString)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version;";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
