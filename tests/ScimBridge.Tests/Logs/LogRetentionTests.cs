using Microsoft.Extensions.Time.Testing;
using ScimBridge.Logs;
using static ScimBridge.Tests.Logs.LogSeed;

namespace ScimBridge.Tests.Logs;

public sealed class LogRetentionTests
{
    [Theory, AllDatabases]
    public async Task Prune_RemovesWhatIsPastRetention_KeepsRecentRowsAndPendingChanges(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, new() { ["Logs:RetentionDays"] = "30" });
        // Pruning as if it were 200 days from now: what is 200 - 30 days old or more goes.
        var now = DateTimeOffset.UtcNow.AddDays(200);
        var old = now.AddDays(-31);
        var recent = now.AddDays(-29);
        var entries = Enumerable.Range(0, LogPruner.BatchSize + 7).Select(i => Entry($"old{i}", at: old.AddSeconds(-i))).ToList();
        entries.Add(Entry("recent", at: recent));
        await app.InsertAsync([.. entries]);
        await app.DbAsync(async db =>
        {
            db.OutboundCalls.AddRange(
                new OutboundCallRecord { ResourceType = "User", ResourceId = "old0", Instance = "t", Method = "POST", Path = "/Users", At = old },
                new OutboundCallRecord { ResourceType = "User", ResourceId = "recent", Instance = "t", Method = "POST", Path = "/Users", At = recent });
            db.Changes.AddRange(
                new ChangeRecord { ResourceType = "User", ResourceId = "pushed-old", Operation = "Create", Changes = "{}", Actor = "t", OccurredAt = old, PushStatus = PushStatuses.Pushed },
                new ChangeRecord { ResourceType = "User", ResourceId = "failed-old", Operation = "Create", Changes = "{}", Actor = "t", OccurredAt = old, PushStatus = PushStatuses.Failed },
                new ChangeRecord { ResourceType = "User", ResourceId = "pending-old", Operation = "Create", Changes = "{}", Actor = "t", OccurredAt = old, PushStatus = PushStatuses.Pending },
                new ChangeRecord { ResourceType = "User", ResourceId = "pushed-recent", Operation = "Create", Changes = "{}", Actor = "t", OccurredAt = recent, PushStatus = PushStatuses.Pushed });
            return await db.SaveChangesAsync();
        });

        var pruned = await app.WithScopeAsync(s => s.GetRequiredService<LogPruner>().PruneAsync(now, CancellationToken.None));

        Assert.Equal(new PruneResult(LogPruner.BatchSize + 7, 1, 2), pruned);
        Assert.Equal(["recent"], await app.DbAsync(db => db.LogEntries.Select(e => e.SourceId).ToListAsync()));
        Assert.Equal(["recent"], await app.DbAsync(db => db.OutboundCalls.Select(c => c.ResourceId).ToListAsync()));
        Assert.Equal(["pending-old", "pushed-recent"],
            await app.DbAsync(db => db.Changes.Where(c => c.ResourceId.Contains("-")).OrderBy(c => c.ResourceId).Select(c => c.ResourceId).ToListAsync()));
    }

    [Theory, AllDatabases]
    public async Task RetentionJob_PrunesInTheBackground(DatabaseProvider provider)
    {
        // The job prunes at start-up: rows already past retention when the server starts are gone soon after.
        // Then every Logs:PruneIntervalMinutes on the app's clock: a row that ages past retention goes at the next round.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var database = await TestDatabases.CreateAsync(provider);
        await using (var seeded = await ScimApp.StartAsync(provider, database: new TestDatabase(provider, database.ConnectionString, () => Task.CompletedTask)))
        {
            var now = clock.GetUtcNow();
            await seeded.InsertAsync(Entry("ancient", at: now.AddDays(-91)), Entry("next", at: now.AddDays(-90).AddMinutes(30)), Entry("fresh", at: now.AddDays(-89)));
            // The next server on this database creates its own test-client token.
            await seeded.DbAsync(db => db.ScimTokens.ExecuteDeleteAsync());
        }

        await using var app = await ScimApp.StartAsync(provider, new() { ["Logs:PruneIntervalMinutes"] = "60" },
            database: new TestDatabase(provider, database.ConnectionString, () => Task.CompletedTask), services: s => s.AddSingleton<TimeProvider>(clock));
        Task<List<string>> LeftAsync() => app.DbAsync(db => db.LogEntries.OrderBy(e => e.SourceId).Select(e => e.SourceId).ToListAsync());

        Assert.Equal(["fresh", "next"], await Eventually.ValueAsync(LeftAsync, "the prune at start-up", left => !left.Contains("ancient")));
        Assert.Equal(["fresh"], await Eventually.ValueAsync(LeftAsync, "the next round of pruning", left => !left.Contains("next"),
            betweenRounds: () => clock.Advance(TimeSpan.FromMinutes(5))));
        Assert.True(clock.GetUtcNow() - clock.Start >= TimeSpan.FromMinutes(60), $"pruned after {clock.GetUtcNow() - clock.Start}, before the interval");
    }

    [Theory]
    [InlineData("Logs:RetentionDays", "0")]
    [InlineData("Logs:RetentionDays", "3651")]
    [InlineData("Logs:PruneIntervalMinutes", "0")]
    public async Task BadRetentionSettings_FailAtStartUp_NamingTheKey(string key, string value)
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var app = await ScimApp.StartAsync(DatabaseProvider.Sqlite, new() { [key] = value });
        });

        Assert.Contains(key, failure.ToString());
    }
}
