using Microsoft.Extensions.Time.Testing;
using ScimBridge.Hr;

namespace ScimBridge.Tests.Hr;

/// <summary>Terminations fire at their instant, in the worker's time zone and across DST, not a tick before, and survive a restart.</summary>
public sealed class ScheduleFiringTests
{
    [Theory, AllDatabases]
    public async Task TerminationsInLosAngelesAndKolkata_FireAtTheirInstants_NotATickBefore(DatabaseProvider provider)
    {
        await using var bed = await EngineBed.StartAsync(provider);
        await bed.UsersAsync("la@example.com", "kolkata@example.com");

        var la = await bed.TerminateAsync("la@example.com", "2027-03-02", "America/Los_Angeles");
        var kolkata = await bed.TerminateAsync("kolkata@example.com", "2027-03-02T17:30", "Asia/Kolkata");
        // 19:00 PST (UTC-8) and 17:30 IST (UTC+5:30).
        Assert.Equal(new DateTimeOffset(2027, 3, 3, 3, 0, 0, TimeSpan.Zero), la.EffectiveAt);
        Assert.Equal(new DateTimeOffset(2027, 3, 2, 12, 0, 0, TimeSpan.Zero), kolkata.EffectiveAt);
        Assert.Equal(("2027-03-02T19:00:00", "America/Los_Angeles"), (la.EffectiveLocal, la.TimeZone));

        bed.Clock.SetUtcNow(kolkata.EffectiveAt.AddTicks(-1));
        await bed.TickAsync();
        Assert.Equal(HrEventStates.Scheduled, (await bed.EventAsync(kolkata.Id)).State);
        Assert.True(bed.SimUser("kolkata@example.com")!.Active);

        bed.Clock.SetUtcNow(kolkata.EffectiveAt);
        await bed.TickAsync();
        var fired = await bed.EventAsync(kolkata.Id);
        Assert.Equal((HrEventStates.Fired, kolkata.EffectiveAt), (fired.State, fired.FiredAt));
        Assert.Equal(HrEventStates.Scheduled, (await bed.EventAsync(la.Id)).State);
        await bed.UntilAsync(() => bed.SimUser("kolkata@example.com")!.Active == false, "the Kolkata leaver deactivated in monday.com");
        Assert.True(bed.SimUser("la@example.com")!.Active);

        bed.Clock.SetUtcNow(la.EffectiveAt.AddTicks(-1));
        await bed.TickAsync();
        Assert.Equal(HrEventStates.Scheduled, (await bed.EventAsync(la.Id)).State);
        bed.Clock.SetUtcNow(la.EffectiveAt);
        await bed.TickAsync();
        Assert.Equal(HrEventStates.Fired, (await bed.EventAsync(la.Id)).State);
        await bed.UntilAsync(() => bed.SimUser("la@example.com")!.Active == false, "the Los Angeles leaver deactivated in monday.com");
    }

    [Theory, AllDatabases]
    public async Task NewYorkTerminations_AcrossBothDstChanges_FireAtTheRightUtcInstant(DatabaseProvider provider)
    {
        await using var bed = await EngineBed.StartAsync(provider);
        await bed.UsersAsync("spring@example.com", "fall@example.com", "gap@example.com");

        var spring = await bed.TerminateAsync("spring@example.com", "2027-03-14", "America/New_York");
        var fall = await bed.TerminateAsync("fall@example.com", "2027-11-07", "America/New_York");
        var gap = await bed.TerminateAsync("gap@example.com", "2027-03-14T02:30", "America/New_York");
        Assert.Equal(new DateTimeOffset(2027, 3, 14, 23, 0, 0, TimeSpan.Zero), spring.EffectiveAt);
        Assert.Equal(new DateTimeOffset(2027, 11, 8, 0, 0, 0, TimeSpan.Zero), fall.EffectiveAt);
        // 02:30 does not exist that night: moved forward past the gap (03:30 EDT), and the note says so.
        Assert.Equal(new DateTimeOffset(2027, 3, 14, 7, 30, 0, TimeSpan.Zero), gap.EffectiveAt);
        Assert.Contains("does not exist", gap.Note);

        foreach (var (e, user) in new[] { (gap, "gap@example.com"), (spring, "spring@example.com"), (fall, "fall@example.com") })
        {
            bed.Clock.SetUtcNow(e.EffectiveAt.AddTicks(-1));
            await bed.TickAsync();
            Assert.Equal(HrEventStates.Scheduled, (await bed.EventAsync(e.Id)).State);
            bed.Clock.SetUtcNow(e.EffectiveAt);
            await bed.TickAsync();
            Assert.Equal((HrEventStates.Fired, e.EffectiveAt), ((await bed.EventAsync(e.Id)).State, (await bed.EventAsync(e.Id)).FiredAt));
            await bed.UntilAsync(() => bed.SimUser(user)!.Active == false, $"{user} deactivated in monday.com");
        }
    }

    [Theory, AllDatabases]
    public async Task APastDate_FiresNow_WithoutWaitingForATick(DatabaseProvider provider)
    {
        // A long tick: only the recording's signal can make it fire within the wait.
        await using var bed = await EngineBed.StartAsync(provider, new() { ["Hr:TickSeconds"] = "3600" });
        var ids = await bed.UsersAsync("past@example.com");
        var now = bed.Clock.GetUtcNow();
        var e = await bed.TerminateAsync("past@example.com", "2027-01-15", "Europe/Paris");
        Assert.Equal(now, e.EffectiveAt);
        Assert.Equal("2027-01-15T19:00:00", e.EffectiveLocal);

        await bed.UntilAsync(async () => (await bed.EventAsync(e.Id)).State == HrEventStates.Fired, "the past termination to fire", step: TimeSpan.Zero);
        await bed.UntilAsync(() => bed.SimUser("past@example.com")!.Active == false, "the leaver deactivated in monday.com", step: TimeSpan.Zero);
        var worker = await bed.WorkerAsync(ids[0]);
        Assert.Contains(worker!.Status, new[] { HrWorkerStatuses.Leaving, HrWorkerStatuses.Left });
        Assert.Equal(e.EffectiveAt, worker.EffectiveAt);
    }

    [Theory, AllDatabases]
    public async Task ARestartBetweenSchedulingAndFiring_StillFiresOnce(DatabaseProvider provider)
    {
        await using var sim = await SimulatorHost.StartAsync();
        var database = await TestDatabases.CreateAsync(provider);
        try
        {
            long id;
            string userId;
            var clock = new FakeTimeProvider(EngineBed.Start);
            await using (var first = await EngineBed.StartAsync(provider, sim: sim, database: Borrowed(database), clock: clock, instance: "hr-first"))
            {
                userId = (await first.UsersAsync("restart@example.com"))[0];
                id = (await first.TerminateAsync("restart@example.com", "2027-03-05", "Europe/Berlin")).Id;
                await first.FreeTokenNameAsync();
            }
            clock.SetUtcNow(new DateTimeOffset(2027, 3, 5, 18, 0, 1, TimeSpan.Zero));
            await using var second = await EngineBed.StartAsync(provider, sim: sim, database: Borrowed(database), clock: clock, instance: "hr-second");
            // Its ticker finds the due event on its own.
            await second.UntilAsync(async () => (await second.EventAsync(id)).State == HrEventStates.Fired, "the termination to fire after the restart",
                step: TimeSpan.Zero);
            // The clock moves faster here: a step that failed on a loaded machine is retried once its lease expires (fake time).
            await second.UntilAsync(() => second.SimUser("restart@example.com")!.Active == false, "the leaver deactivated in monday.com",
                timeout: TimeSpan.FromSeconds(60), step: TimeSpan.FromMilliseconds(250));
            Assert.Single(await second.App.DbAsync(db => db.LogEntries.Where(l => l.Action == LogActions.HrTerminate && l.SourceId == userId).ToListAsync()));
        }
        finally
        {
            await database.DisposeAsync();
        }
    }

    private static TestDatabase Borrowed(TestDatabase database) => new(database.Provider, database.ConnectionString, () => Task.CompletedTask);
}
