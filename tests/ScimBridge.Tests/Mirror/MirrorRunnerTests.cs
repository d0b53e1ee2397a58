using ScimBridge.Mirror;
using static ScimBridge.Tests.Mirror.ScriptedSeatSource;

namespace ScimBridge.Tests.Mirror;

/// <summary>The runner's rules, over a scripted source: paging, forward-only activity, gone only from complete runs, links, the lease.</summary>
public sealed class MirrorRunnerTests
{
    private static readonly DateTimeOffset T1 = new(2026, 10, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset T2 = T1.AddDays(20);
    private static readonly DateTimeOffset T3 = T2.AddDays(20);

    private static Task<ScimApp> StartAsync(DatabaseProvider provider, ScriptedSeatSource source, TestDatabase? database = null, Dictionary<string, string?>? settings = null) =>
        ScimApp.StartAsync(provider, settings, database: database, services: s => s.AddSingleton<ISeatSource>(source));

    private static Task<MirrorRunRecord> RunAsync(ScimApp app, string appName = MirrorApps.Roadmunk) =>
        app.Services.GetRequiredService<MirrorRunner>().RunAsync(appName, MirrorInitiators.Admin, "tester", CancellationToken.None);

    private static Task<List<MirrorSeatRecord>> SeatsAsync(ScimApp app) =>
        app.DbAsync(db => db.MirrorSeats.AsNoTracking().OrderBy(s => s.AccountId).ToListAsync());

    [Theory, AllDatabases]
    public async Task Run_ListsEveryPage_AndLinksSeatsByUserNameOrEmail(DatabaseProvider provider)
    {
        var source = new ScriptedSeatSource
        {
            Pages =
            [
                [Seat("r1", "Ann@Example.com", SeatTypes.AccountAdmin, lastActivity: T1), Seat("r2", "bob.work@example.com")],
                [Seat("r3", "nobody@example.com", SeatTypes.Reviewer, SeatStatuses.Pending), Seat("r1", "ann@example.com")],
            ],
        };
        await using var app = await StartAsync(provider, source);
        var ann = await app.CreateUserAsync("ann@example.com");
        var bob = await app.PostAsync("/scim/v2/Users", new
        {
            schemas = new[] { "urn:ietf:params:scim:schemas:core:2.0:User" },
            userName = "bob",
            emails = new[] { new { value = "Bob.Work@Example.com", primary = true } },
        });
        var bobId = bob.String("id");

        var run = await RunAsync(app);

        Assert.Equal(MirrorRunStatuses.Succeeded, run.Status);
        Assert.Equal((2, 3, 3, 0, 0, 0), (run.Pages, run.Seen, run.Added, run.Changed, run.Gone, run.Unchanged));
        var seats = await SeatsAsync(app);
        Assert.Equal(["r1", "r2", "r3"], seats.Select(s => s.AccountId));
        Assert.Equal((ann, SeatLinks.Email), (seats[0].UserId, seats[0].LinkedBy));
        Assert.Equal(SeatTypes.AccountAdmin, seats[0].SeatType);
        Assert.Equal(T1, seats[0].LastActivity);
        Assert.Equal(bobId, seats[1].UserId);
        Assert.Null(seats[2].UserId);
        Assert.Equal(SeatStatuses.Pending, seats[2].Status);
        Assert.All(seats, s => Assert.False(s.ProvisionedByBridge));

        var entries = await app.DbAsync(db => db.LogEntries.AsNoTracking().Where(e => e.CycleId == MirrorLog.CycleId(run)).ToListAsync());
        Assert.All(entries, e => Assert.Equal(Initiators.Mirror, e.InitiatorType));
        Assert.Equal(3, entries.Count(e => e.Action == LogActions.SeatAdded));
        Assert.Single(entries, e => e.Action == LogActions.MirrorRun && e.Status == LogStatuses.Success);
    }

    [Theory, AllDatabases]
    public async Task LastActivity_OnlyMovesForward(DatabaseProvider provider)
    {
        var source = new ScriptedSeatSource { Pages = [[Seat("r1", "a@example.com", lastActivity: T2)]] };
        await using var app = await StartAsync(provider, source);
        await RunAsync(app);

        source.Pages = [[Seat("r1", "a@example.com", lastActivity: T1)]];
        var older = await RunAsync(app);
        source.Pages = [[Seat("r1", "a@example.com", lastActivity: null)]];
        var empty = await RunAsync(app);
        Assert.Equal(T2, (await SeatsAsync(app)).Single().LastActivity);
        Assert.Equal((0, 1), (older.Changed, older.Unchanged));
        Assert.Equal((0, 1), (empty.Changed, empty.Unchanged));

        source.Pages = [[Seat("r1", "a@example.com", lastActivity: T3)]];
        var newer = await RunAsync(app);
        Assert.Equal(1, newer.Changed);
        Assert.Equal(T3, (await SeatsAsync(app)).Single().LastActivity);
    }

    [Theory, AllDatabases]
    public async Task ASeatMissingFromACompleteRun_IsGone_ButARunFailingPartWay_MarksNothingGone(DatabaseProvider provider)
    {
        var source = new ScriptedSeatSource { Pages = [[Seat("r1", "a@example.com"), Seat("r2", "b@example.com")], [Seat("r3", "c@example.com")]] };
        await using var app = await StartAsync(provider, source);
        await RunAsync(app);

        // r3's page never arrives, and r2 is missing from the first: a partial listing says nothing about them.
        source.Pages = [[Seat("r1", "a@example.com")], [Seat("r3", "c@example.com")]];
        source.FailAfterPages = 1;
        var failed = await RunAsync(app);
        Assert.Equal(MirrorRunStatuses.Failed, failed.Status);
        Assert.Equal("Unavailable", failed.ErrorCode);
        Assert.All(await SeatsAsync(app), s => Assert.Null(s.GoneAt));
        var failure = await app.DbAsync(db => db.LogEntries.AsNoTracking().SingleAsync(e => e.CycleId == MirrorLog.CycleId(failed)));
        Assert.Equal((LogActions.MirrorRun, LogStatuses.Failure, "Unavailable"), (failure.Action, failure.Status, failure.ErrorCode));

        source.FailAfterPages = null;
        var complete = await RunAsync(app);
        Assert.Equal((1, 2), (complete.Gone, complete.Unchanged));
        var seats = await SeatsAsync(app);
        Assert.NotNull(seats.Single(s => s.AccountId == "r2").GoneAt);
        Assert.All(seats.Where(s => s.AccountId != "r2"), s => Assert.Null(s.GoneAt));
        Assert.True(await app.DbAsync(db => db.LogEntries.AnyAsync(e => e.CycleId == MirrorLog.CycleId(complete) && e.Action == LogActions.SeatGone && e.SourceId == "roadmunk:r2")));

        // Back in the app: the same row, no longer gone.
        source.Pages = [[Seat("r1", "a@example.com"), Seat("r2", "b@example.com"), Seat("r3", "c@example.com")]];
        var back = await RunAsync(app);
        Assert.Equal((0, 1, 0), (back.Added, back.Changed, back.Gone));
        Assert.All(await SeatsAsync(app), s => Assert.Null(s.GoneAt));
    }

    [Theory, AllDatabases]
    public async Task AnUnchangedRerun_WritesNoSeatAndNoSeatLogEntry(DatabaseProvider provider)
    {
        var source = new ScriptedSeatSource { Pages = [[Seat("r1", "a@example.com", lastActivity: T1), Seat("r2", "b@example.com")]] };
        await using var app = await StartAsync(provider, source);
        var first = await RunAsync(app);
        var before = await SeatsAsync(app);

        var second = await RunAsync(app);

        Assert.Equal((0, 0, 0, 2), (second.Added, second.Changed, second.Gone, second.Unchanged));
        var after = await SeatsAsync(app);
        Assert.All(after, s => Assert.Equal(first.Id, s.LastRunId));
        Assert.All(after.Zip(before), p => Assert.True(p.First.LastSeen >= p.Second.LastSeen));
        Assert.Equal(1, await app.DbAsync(db => db.LogEntries.CountAsync(e => e.CycleId == MirrorLog.CycleId(second))));
    }

    [Theory, AllDatabases]
    public async Task ASeatTheBridgePushed_IsLinkedByThePushLink_AndMarkedProvisioned(DatabaseProvider provider)
    {
        var source = new ScriptedSeatSource(MirrorApps.Monday) { Pages = [[Seat("m-77", "someone.else@example.com", SeatTypes.Member)]] };
        await using var app = await StartAsync(provider, source);
        var user = await app.CreateUserAsync("carol@example.com");
        await app.DbAsync(db => db.PushStates.Where(p => p.ResourceId == user).ExecuteUpdateAsync(s => s.SetProperty(p => p.MondayId, "m-77")));

        await RunAsync(app, MirrorApps.Monday);

        var seat = (await SeatsAsync(app)).Single();
        Assert.Equal((user, SeatLinks.Push, true), (seat.UserId, seat.LinkedBy, seat.ProvisionedByBridge));
    }

    [Theory, AllDatabases]
    public async Task Links_AreOneToOne_ASecondSeatOfTheSameUserStaysAShadow(DatabaseProvider provider)
    {
        var source = new ScriptedSeatSource { Pages = [[Seat("r1", "dana@example.com"), Seat("r2", "DANA@example.com")]] };
        await using var app = await StartAsync(provider, source);
        var dana = await app.CreateUserAsync("dana@example.com");

        var run = await RunAsync(app);

        var seats = await SeatsAsync(app);
        Assert.Equal(dana, seats[0].UserId);
        Assert.Null(seats[1].UserId);
        var warning = await app.DbAsync(db => db.LogEntries.AsNoTracking().SingleAsync(e => e.CycleId == MirrorLog.CycleId(run) && e.SourceId == "roadmunk:r2"));
        Assert.Equal(LogStatuses.Warning, warning.Status);
        Assert.Contains("one-to-one", warning.Message);
    }

    [Theory, AllDatabases]
    public async Task ARunInProgress_RefusesASecondRunOfTheApp_FromAnotherInstanceToo(DatabaseProvider provider)
    {
        var source = new ScriptedSeatSource { Pages = [[Seat("r1", "a@example.com")]], Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var database = await TestDatabases.CreateAsync(provider);
        await using var first = await StartAsync(provider, source, new TestDatabase(provider, database.ConnectionString, () => Task.CompletedTask));
        await first.DbAsync(db => db.ScimTokens.Where(t => t.Name == "test-client").ExecuteUpdateAsync(u => u.SetProperty(t => t.Name, "instance-a")));
        await using var second = await StartAsync(provider, source, new TestDatabase(provider, database.ConnectionString, () => Task.CompletedTask));
        var runners = new[] { first, second }.Select(a => a.Services.GetRequiredService<MirrorRunner>()).ToArray();

        // Both instances ask at the same moment, a few times each: exactly one run starts.
        var attempts = await Task.WhenAll(Enumerable.Range(0, 6).Select(async i =>
        {
            try
            {
                return await runners[i % 2].StartAsync(MirrorApps.Roadmunk, MirrorInitiators.Admin, $"admin{i}", CancellationToken.None);
            }
            catch (MirrorBusyException)
            {
                return null;
            }
        }));
        var started = Assert.Single(attempts, r => r is not null)!;
        var busy = await Assert.ThrowsAsync<MirrorBusyException>(() => runners[1].StartAsync(MirrorApps.Roadmunk, MirrorInitiators.Admin, "late", CancellationToken.None));
        Assert.Equal(started.Id, busy.RunId);

        source.Gate.SetResult();
        await Eventually.UntilAsync(async () => await first.DbAsync(db => db.MirrorRuns.AnyAsync(r => r.Id == started.Id && r.Status == MirrorRunStatuses.Succeeded)), "the run ends");
        await Eventually.UntilAsync(async () => await first.DbAsync(db => db.MirrorApps.AnyAsync(a => a.App == MirrorApps.Roadmunk && a.LeaseOwner == null)), "the lease is released");

        var next = await runners[1].RunAsync(MirrorApps.Roadmunk, MirrorInitiators.Admin, "after", CancellationToken.None);
        Assert.Equal(MirrorRunStatuses.Succeeded, next.Status);
        Assert.Equal(1, await first.DbAsync(db => db.MirrorRuns.CountAsync(r => r.Status == MirrorRunStatuses.Succeeded && r.Id != next.Id)));
    }

    [Theory, AllDatabases]
    public async Task ARunLeftRunningByADeadInstance_IsClosedAsInterrupted_WhenItsLeaseHasExpired(DatabaseProvider provider)
    {
        var source = new ScriptedSeatSource { Pages = [[Seat("r1", "a@example.com")]] };
        await using var app = await StartAsync(provider, source);
        var now = DateTimeOffset.UtcNow;
        var orphan = await app.DbAsync(async db =>
        {
            var run = new MirrorRunRecord { App = MirrorApps.Roadmunk, InitiatorType = "Schedule", Initiator = "Schedule", Instance = "dead", Status = MirrorRunStatuses.Running, StartedAt = now.AddMinutes(-10) };
            db.MirrorRuns.Add(run);
            db.MirrorApps.Add(new MirrorAppRecord { App = MirrorApps.Roadmunk, LeaseOwner = "dead/1", LeaseUntil = now.AddSeconds(60) });
            await db.SaveChangesAsync();
            return run.Id;
        });

        await Assert.ThrowsAsync<MirrorBusyException>(() => RunAsync(app));
        await app.DbAsync(db => db.MirrorApps.ExecuteUpdateAsync(s => s.SetProperty(a => a.LeaseUntil, now.AddSeconds(-1))));
        var run = await RunAsync(app);

        Assert.Equal(MirrorRunStatuses.Succeeded, run.Status);
        var closed = await app.DbAsync(db => db.MirrorRuns.AsNoTracking().SingleAsync(r => r.Id == orphan));
        Assert.Equal((MirrorRunStatuses.Failed, "Interrupted"), (closed.Status, closed.ErrorCode));
    }

    [Theory, AllDatabases]
    public async Task ASourceThatCannotRun_IsRefusedWithItsReason_AndStartsNoRun(DatabaseProvider provider)
    {
        var source = new ScriptedSeatSource { Problem = new MirrorSourceProblem("MissingScope", "The monday.com connection lacks users:read.") };
        await using var app = await StartAsync(provider, source);

        var refused = await Assert.ThrowsAsync<MirrorSourceException>(() => RunAsync(app));

        Assert.Equal("MissingScope", refused.Code);
        Assert.Contains("users:read", refused.Message);
        Assert.Equal(0, await app.DbAsync(db => db.MirrorRuns.CountAsync()));
        Assert.Equal(0, source.Listings);
    }

    [Theory, AllDatabases]
    public async Task AnImportedInactiveReport_HoldsUntilNewerActivity(DatabaseProvider provider)
    {
        var source = new ScriptedSeatSource { Pages = [[Seat("r1", "a@example.com", lastActivity: T1)]] };
        await using var app = await StartAsync(provider, source);
        await RunAsync(app);
        await app.DbAsync(db => db.MirrorSeats.ExecuteUpdateAsync(s => s
            .SetProperty(x => x.ReportStatus, SeatStatuses.Inactive).SetProperty(x => x.ReportAt, T2).SetProperty(x => x.Status, SeatStatuses.Inactive)));

        await RunAsync(app);
        Assert.Equal(SeatStatuses.Inactive, (await SeatsAsync(app)).Single().Status);

        source.Pages = [[Seat("r1", "a@example.com", lastActivity: T3)]];
        await RunAsync(app);
        Assert.Equal(SeatStatuses.Active, (await SeatsAsync(app)).Single().Status);
    }
}
