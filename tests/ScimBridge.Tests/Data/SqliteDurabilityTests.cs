using Microsoft.Data.Sqlite;

namespace ScimBridge.Tests.Data;

/// <summary>
/// With SQLite's default FULL durability a write is only answered after an fsync of the WAL; concurrent writes share
/// syncs instead of paying one each.
/// </summary>
public sealed class SqliteDurabilityTests
{
    /// <summary>
    /// One write starts a sync, which is held; the other 63 commit meanwhile (the sync runs outside the write lock) and
    /// queue. Once it is released the sync loop takes all 63 as the next batch, so exactly 2 syncs answer the 64 writes.
    /// Each sync is held before it runs, and no response may come back while the sync covering it is held.
    /// </summary>
    [Fact]
    public async Task ConcurrentWrites_AreEachAnsweredAfterASync_AndShareSyncs()
    {
        await using var app = await ScimApp.StartAsync(DatabaseProvider.Sqlite);
        var writer = app.Services.GetRequiredService<SqliteWriter>();
        var before = writer.Syncs;
        var batches = new List<int>();
        var held = new[] { Signal(), Signal() };
        var release = new[] { Signal(), Signal() };
        writer.BeforeSync = size =>
        {
            lock (batches)
            {
                batches.Add(size);
                if (batches.Count > held.Length)
                {
                    return Task.CompletedTask;
                }

                held[batches.Count - 1].SetResult();
                return release[batches.Count - 1].Task;
            }
        };

        try
        {
            var first = app.PostAsync("/scim/v2/Users", Bodies.User("durable0@example.com"));
            await held[0].Task.WaitAsync(TimeSpan.FromSeconds(30));
            var rest = Enumerable.Range(1, 63).Select(i => app.PostAsync("/scim/v2/Users", Bodies.User($"durable{i}@example.com"))).ToList();
            await Eventually.UntilAsync(() => writer.Waiting == 63, "63 writes waiting for the next sync", TimeSpan.FromSeconds(60));
            Assert.False(first.IsCompleted, "A write was answered while its sync was held.");
            Assert.DoesNotContain(rest, r => r.IsCompleted);

            release[0].SetResult();
            await held[1].Task.WaitAsync(TimeSpan.FromSeconds(30));
            (await first).AssertStatus(HttpStatusCode.Created);
            Assert.DoesNotContain(rest, r => r.IsCompleted);

            release[1].SetResult();
            Assert.All(await Task.WhenAll(rest), r => r.AssertStatus(HttpStatusCode.Created));
        }
        finally
        {
            Array.ForEach(release, r => r.TrySetResult());
        }

        Assert.Equal(new[] { 1, 63 }, batches);
        Assert.Equal(2, writer.Syncs - before);
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
        Assert.Equal(1, writer.TransactionSyncs);
        Assert.Equal(0, writer.FileSyncs);
    }

    private static TaskCompletionSource Signal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static long Syncs(ScimApp app) => app.Services.GetRequiredService<SqliteWriter>().Syncs;
}
