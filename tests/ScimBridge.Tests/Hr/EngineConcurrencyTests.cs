using ScimBridge.Hr;

namespace ScimBridge.Tests.Hr;

/// <summary>Exactly once across instances, the mass-termination guard, and a rescind racing the firing.</summary>
public sealed class EngineConcurrencyTests
{
    [Theory, AllDatabases]
    public async Task TwoInstances_OverOneDatabase_FireEveryEventExactlyOnce(DatabaseProvider provider)
    {
        var off = new Dictionary<string, string?> { ["Hr:Guard:Enabled"] = "false", ["Push:DeletionGuard:Enabled"] = "false", ["Hr:BatchSize"] = "7" };
        await using var a = await EngineBed.StartAsync(provider, off, instance: "hr-a");
        await a.FreeTokenNameAsync();
        await using var b = await EngineBed.StartAsync(provider, off, a.Sim, a.Borrow(), a.Clock, instance: "hr-b");
        const int count = 60;
        var names = Enumerable.Range(0, count).Select(i => $"many{i}@example.com").ToArray();
        var ids = await a.UsersAsync(names);
        var events = new List<HrEventRecord>();
        foreach (var name in names)
        {
            events.Add(await a.TerminateAsync(name, "2027-03-20T09:00", "Europe/London"));
        }
        var due = events[0].EffectiveAt;
        Assert.All(events, e => Assert.Equal(due, e.EffectiveAt));

        a.Clock.SetUtcNow(due);
        // Both instances' tickers, and four more passes each, all at once.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => (i % 2 == 0 ? a : b).TickAsync()));
        await a.UntilAsync(async () => await a.App.DbAsync(db => db.HrEvents.CountAsync(e => e.State == HrEventStates.Fired)) == count, "every termination fired");
        await a.UntilAsync(() => names.All(n => a.SimUser(n) is { Active: false }), "every leaver deactivated in monday.com");
        await a.UntilAsync(async () => await a.App.DbAsync(db => db.HrWorkers.CountAsync(w => w.Status == HrWorkerStatuses.Left)) == count, "every leaver done");

        var fired = await a.App.DbAsync(db => db.HrEvents.AsNoTracking().ToListAsync());
        Assert.All(fired, e => Assert.True(e is { State: HrEventStates.Fired, LeaseOwner: null, FiredAt: { } at } && at >= due, $"event {e.Id}: {e.State} at {e.FiredAt:O}"));
        var log = await a.App.DbAsync(db => db.LogEntries.AsNoTracking().Where(l => l.Action.StartsWith("Hr")).ToListAsync());
        foreach (var action in new[] { LogActions.HrTerminate, LogActions.HrSnapshot, LogActions.HrDeactivate, LogActions.HrDeactivated, LogActions.HrLeft })
        {
            var entries = log.Where(l => l.Action == action).ToList();
            Assert.Equal(count, entries.Count);
            Assert.Equal(count, entries.Select(l => l.SourceId).Distinct().Count());
        }
        Assert.Equal(ids.Order(StringComparer.Ordinal), log.Where(l => l.Action == LogActions.HrTerminate).Select(l => l.SourceId).Order(StringComparer.Ordinal));
    }

    [Theory, AllDatabases]
    public async Task TheGuard_HoldsABatchAboveMaxPerBatch_ApproveFiresIt_RejectRescindsIt(DatabaseProvider provider)
    {
        await using var bed = await EngineBed.StartAsync(provider, new() { ["Hr:Guard:MaxPerBatch"] = "2" });
        var names = new[] { "g1@example.com", "g2@example.com", "g3@example.com" };
        var ids = await bed.UsersAsync(names);
        var batch = new HrActor("workday", HrSources.Bulk, null, "upload-1");
        // One upload: recorded in one transaction, as the bulk upload does.
        var events = await bed.App.WithScopeAsync(async s =>
        {
            var directory = s.GetRequiredService<WorkerDirectory>();
            var planned = new List<PlannedEvent>();
            foreach (var name in names)
            {
                var worker = await directory.FindAsync(new WorkerKey(WorkerKey.UserName, name), CancellationToken.None);
                planned.Add(new PlannedEvent(HrEventKinds.Terminate, worker,
                    EffectiveTime.Resolve(null, EffectiveTime.Zone("UTC", "timeZone"), new TimeOnly(19, 0), bed.Clock.GetUtcNow()), "restructuring"));
            }
            return await s.GetRequiredService<HrLifecycle>().RecordAsync(planned, batch, CancellationToken.None);
        });
        await bed.UntilAsync(async () => await bed.App.DbAsync(db => db.HrEvents.CountAsync(e => e.State == HrEventStates.Held)) == 3, "the batch held");
        var held = await bed.EventAsync(events[0].Id);
        Assert.Contains("Hr:Guard:MaxPerBatch (2)", held.Error);
        Assert.Contains("upload-1", held.Error);
        Assert.Null(await bed.WorkerAsync(ids[0]));
        await bed.SettledAsync();
        Assert.All(names, n => Assert.True(bed.SimUser(n)!.Active));
        var warning = Assert.Single(await bed.HrLogAsync(ids[0]));
        Assert.Equal((LogActions.HrHeld, LogStatuses.Warning), (warning.Action, warning.Status));

        Assert.Equal(1, await bed.Lifecycle.ApproveAsync(events[0].Id, "admin", CancellationToken.None));
        await bed.UntilAsync(() => bed.SimUser(names[0]) is { Active: false }, "the approved termination to reach monday.com");
        var approved = await bed.EventAsync(events[0].Id);
        Assert.True(approved is { State: HrEventStates.Fired, Approved: true, Error: null });

        Assert.Equal(2, await bed.Lifecycle.RejectAsync(null, "admin", CancellationToken.None));
        Assert.All(await Task.WhenAll(events.Skip(1).Select(e => bed.EventAsync(e.Id))),
            e => Assert.Equal((HrEventStates.Rescinded, "admin"), (e.State, e.ClosedBy)));
        bed.Clock.Advance(TimeSpan.FromMinutes(1));
        await bed.TickAsync();
        await bed.SettledAsync();
        Assert.True(bed.SimUser(names[1])!.Active && bed.SimUser(names[2])!.Active);
        Assert.Equal(409, (await Assert.ThrowsAsync<HrException>(() => bed.Lifecycle.ApproveAsync(events[1].Id, "admin", CancellationToken.None))).Status);
        Assert.Equal(404, (await Assert.ThrowsAsync<HrException>(() => bed.Lifecycle.RejectAsync(999_999, "admin", CancellationToken.None))).Status);
        var reject = (await bed.HrLogAsync(ids[1]))[^1];
        Assert.Equal((LogActions.HrReject, Initiators.Admin), (reject.Action, reject.InitiatorType));
    }

    [Theory, AllDatabases]
    public async Task TheGuard_CountsTerminationsFiredInTheLastHour(DatabaseProvider provider)
    {
        await using var bed = await EngineBed.StartAsync(provider, new() { ["Hr:Guard:MaxPerHour"] = "2", ["Hr:Guard:MaxPercent"] = "" });
        var names = new[] { "h1@example.com", "h2@example.com", "h3@example.com" };
        await bed.UsersAsync(names);
        var events = new List<HrEventRecord>();
        foreach (var name in names)
        {
            events.Add(await bed.TerminateAsync(name, null));
        }
        await bed.UntilAsync(async () => await bed.App.DbAsync(db => db.HrEvents.CountAsync(e => e.State != HrEventStates.Scheduled)) == 3, "all three decided");
        var states = await Task.WhenAll(events.Select(e => bed.EventAsync(e.Id)));
        Assert.Equal([HrEventStates.Fired, HrEventStates.Fired, HrEventStates.Held], states.Select(e => e.State));
        Assert.Contains("Hr:Guard:MaxPerHour (2)", states[2].Error);
    }

    [Theory, AllDatabases]
    public async Task ARescindRacingTheFiring_OneWins_AndTheStateIsConsistent(DatabaseProvider provider)
    {
        await using var bed = await EngineBed.StartAsync(provider, new() { ["Hr:Guard:Enabled"] = "false" });
        var names = Enumerable.Range(0, 10).Select(i => $"race{i}@example.com").ToArray();
        var ids = await bed.UsersAsync(names);
        var events = new List<HrEventRecord>();
        foreach (var name in names)
        {
            events.Add(await bed.TerminateAsync(name, "2027-03-03"));
        }
        bed.Clock.SetUtcNow(events[0].EffectiveAt);
        var rescinds = events.Select(e => Task.Run(async () =>
        {
            try
            {
                return (await bed.Lifecycle.RescindAsync(e.Id, "race", EngineBed.Workday, CancellationToken.None)).State;
            }
            catch (HrException ex)
            {
                return $"{ex.Status}";
            }
        })).ToList();
        var ticks = Task.WhenAll(bed.TickAsync(), bed.TickAsync());
        var results = await Task.WhenAll(rescinds);
        await ticks;
        await bed.UntilAsync(async () => !await bed.App.DbAsync(db => db.HrWorkers.AnyAsync(w => w.Status != HrWorkerStatuses.Active)), "every worker active again");
        await bed.SettledAsync();
        for (var i = 0; i < names.Length; i++)
        {
            Assert.Equal(HrEventStates.Rescinded, results[i]);
            Assert.Equal(HrEventStates.Rescinded, (await bed.EventAsync(events[i].Id)).State);
            Assert.True(await bed.WorkerAsync(ids[i]) is null or { Status: HrWorkerStatuses.Active, Deactivated: false, Step: null });
        }
        await bed.UntilAsync(() => names.All(n => bed.SimUser(n) is { Active: true }), "every user active in monday.com");
    }
}
