using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using ScimBridge.Data;
using ScimBridge.Tests.Infrastructure;

namespace ScimBridge.Tests.Data;

/// <summary>
/// With SQLite's default FULL durability a write is only answered after an fsync of the WAL; concurrent writes share
/// syncs instead of paying one each.
/// </summary>
public sealed class SqliteDurabilityTests
{
    [Fact]
    public async Task ConcurrentWrites_AreEachAnsweredAfterASync_AndShareSyncs()
    {
        await using var app = await ScimApp.StartAsync(DatabaseProvider.Sqlite);
        var before = Syncs(app);

        var responses = await Task.WhenAll(Enumerable.Range(0, 64).Select(i =>
            app.PostAsync("/scim/v2/Users", Bodies.User($"durable{i}@example.com"))));

        Assert.All(responses, r => r.AssertStatus(HttpStatusCode.Created));
        var syncs = Syncs(app) - before;
        Assert.InRange(syncs, 1, 64);
        Assert.Equal(64, await app.DbAsync(db => Task.FromResult(db.Users.Count())));
    }

    [Fact]
    public async Task Reads_DoNotWaitForSyncs()
    {
        await using var app = await ScimApp.StartAsync(DatabaseProvider.Sqlite);
        await app.CreateUserAsync("reader@example.com");
        var before = Syncs(app);
        Assert.True(before > 0);

        for (var i = 0; i < 5; i++)
        {
            (await app.GetAsync("/scim/v2/Users?filter=userName%20eq%20%22reader%40example.com%22")).AssertStatus(HttpStatusCode.OK);
        }

        Assert.Equal(before, Syncs(app));
    }

    [Fact]
    public async Task NormalDurability_AnswersWithoutSyncing()
    {
        await using var app = await ScimApp.StartAsync(DatabaseProvider.Sqlite, new() { ["Database:SqliteSynchronous"] = "NORMAL" });
        await app.CreateUserAsync("fast@example.com");
        Assert.Equal(0, Syncs(app));
    }

    [Fact]
    public async Task BeforeTheWalFileExists_TheSyncIsATransaction()
    {
        await using var database = await TestDatabases.CreateAsync(DatabaseProvider.Sqlite);
        using var writer = new SqliteWriter(database.ConnectionString, syncBeforeAcknowledging: true);
        await using (var connection = new SqliteConnection(database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var wal = connection.CreateCommand();
            wal.CommandText = "PRAGMA journal_mode=WAL;";
            await wal.ExecuteNonQueryAsync();
        }

        SqliteConnection.ClearAllPools();
        await writer.SyncAsync(CancellationToken.None);
        Assert.Equal(1, writer.Syncs);
    }

    private static long Syncs(ScimApp app) => app.Services.GetRequiredService<SqliteWriter>().Syncs;
}
