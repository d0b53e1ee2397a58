using ScimBridge.Monday;
using ScimBridge.Push;

namespace ScimBridge.Tests.Push;

/// <summary>
/// The worker records its outcomes in batches (<see cref="PushCompletions"/>): each resource in a batch must end as
/// it would have alone, and one outcome that cannot be written must fail only its own push.
/// </summary>
public sealed class PushBatchTests
{
    private const string Instance = "batch-instance";

    [Theory, AllDatabases]
    public async Task OneBatch_OutcomesRecordedPerResource_OneThatCannotBeWrittenFailsAlone_ALostLeaseIsLeftAlone(DatabaseProvider provider)
    {
        // The worker is off: this test is the worker, claiming and finishing through the bridge's own store.
        await using var h = await PushHarness.StartAsync(provider, new() { ["Push:Enabled"] = "false", ["Push:InstanceId"] = Instance });
        var ids = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var created = await h.Bridge.PostAsync("/scim/v2/Users", PushHarness.User($"batch{i}@example.com", $"Batch {i}"));
            created.AssertStatus(HttpStatusCode.Created);
            ids.Add(created.String("id")!);
        }

        var store = h.Bridge.Services.GetRequiredService<PushStore>();
        var claimed = (await store.ClaimAsync(10, CancellationToken.None)).OrderBy(c => ids.IndexOf(c.ResourceId)).ToList();
        Assert.Equal(ids, claimed.ConvertAll(c => c.ResourceId));
        var snapshots = await store.LoadAsync(claimed, CancellationToken.None);
        Assert.All(snapshots, s => Assert.True(s is { UserData: not null, PendingChangeId: not null, PendingChanges: 1 }));
        // Another instance took the last one over (its lease ran out meanwhile).
        await h.Bridge.DbAsync(db => db.PushStates.Where(p => p.ResourceId == ids[3])
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.LeaseOwner, "other-instance")));

        var call = new OutboundCall("POST", "Users", 201, 5, null, 1, null, DateTimeOffset.UtcNow);
        var completions = new PushCompletions(store, 32);
        // All four are queued before the writer starts, so they go in one batch; the third claims the monday.com id
        // the first one has, which the unique link index refuses: the batch rolls back and is written one by one.
        var finishing = new[]
        {
            completions.FinishAsync(new PushResult(claimed[0], snapshots[0]!, new PushOutcome(PushStatus.Pushed, "m-1", null, null, [call]), 5), CancellationToken.None),
            completions.FinishAsync(new PushResult(claimed[1], snapshots[1]!, new PushOutcome(PushStatus.Failed, null, null, "monday.com answered 400", [call with { Status = 400 }]), 5), CancellationToken.None),
            completions.FinishAsync(new PushResult(claimed[2], snapshots[2]!, new PushOutcome(PushStatus.Pushed, "m-1", null, null, [call]), 5), CancellationToken.None),
            completions.FinishAsync(new PushResult(claimed[3], snapshots[3]!, new PushOutcome(PushStatus.Pushed, "m-4", null, null, [call]), 5), CancellationToken.None),
        };
        completions.Complete();
        await completions.RunAsync(CancellationToken.None);

        Assert.NotNull(await finishing[0]);
        Assert.NotNull(await finishing[1]);
        await Assert.ThrowsAnyAsync<Exception>(() => finishing[2]);
        Assert.Null(await finishing[3]);

        var states = await h.Bridge.DbAsync(db => db.PushStates.AsNoTracking().Where(p => ids.Contains(p.ResourceId)).ToDictionaryAsync(p => p.ResourceId));
        var changes = await h.Bridge.DbAsync(db => db.Changes.AsNoTracking().Where(c => ids.Contains(c.ResourceId)).ToDictionaryAsync(c => c.ResourceId));
        var entries = await h.Bridge.DbAsync(db => db.LogEntries.AsNoTracking().Where(e => ids.Contains(e.SourceId)).ToListAsync());
        var calls = await h.Bridge.DbAsync(db => db.OutboundCalls.AsNoTracking().Where(c => ids.Contains(c.ResourceId)).ToListAsync());

        // Pushed: linked, settled, lease given back, one log entry with its call.
        Assert.True(states[ids[0]] is { MondayId: "m-1", LeaseOwner: null } s0 && s0.PushedSeq == s0.ChangeSeq);
        Assert.Equal(PushStatuses.Pushed, changes[ids[0]].PushStatus);
        // Refused by monday.com: settled as failed with its own error, not the others'.
        Assert.True(states[ids[1]] is { MondayId: null, LeaseOwner: null } s1 && s1.PushedSeq == s1.ChangeSeq);
        Assert.Equal((PushStatuses.Failed, "monday.com answered 400"), (changes[ids[1]].PushStatus, changes[ids[1]].PushError));
        // Could not be written: nothing of it recorded, still leased to this instance (retried after the backoff, or when the lease runs out).
        Assert.True(states[ids[2]] is { MondayId: null, LeaseOwner: Instance } s2 && s2.PushedSeq < s2.ChangeSeq);
        Assert.Equal(PushStatuses.Pending, changes[ids[2]].PushStatus);
        // Lease lost: left to the instance that holds it now.
        Assert.True(states[ids[3]] is { MondayId: null, LeaseOwner: "other-instance" } s3 && s3.PushedSeq < s3.ChangeSeq);
        Assert.Equal(PushStatuses.Pending, changes[ids[3]].PushStatus);

        Assert.Equal(new[] { ids[0], ids[1] }.Order(StringComparer.Ordinal), entries.Select(e => e.SourceId).Order(StringComparer.Ordinal));
        Assert.Equal([(ids[0], 201), (ids[1], 400)], calls.Select(c => (c.ResourceId, c.Status)).OrderBy(c => ids.IndexOf(c.ResourceId)));
        Assert.All(calls, c => Assert.Equal(entries.Single(e => e.SourceId == c.ResourceId).Id, c.LogEntryId));
    }

    [Theory, AllDatabases]
    public async Task ManyPushesAtOnce_EveryUserCreatedOnce_EveryChangeSettledWithOneLogEntry(DatabaseProvider provider)
    {
        // Slow answers make the workers finish together, so their outcomes share batches.
        await using var h = await PushHarness.StartAsync(provider, new() { ["Push:Concurrency"] = "8" });
        h.State.LatencyMs = 50;
        var ids = new string[60];
        await Parallel.ForEachAsync(Enumerable.Range(0, ids.Length), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var created = await h.Bridge.PostAsync("/scim/v2/Users", PushHarness.User($"many{i}@example.com", $"Many {i}"));
            created.AssertStatus(HttpStatusCode.Created);
            ids[i] = created.String("id")!;
        });

        var changes = await h.WaitSettledAsync(60);
        Assert.All(changes, c => Assert.Equal(PushStatuses.Pushed, c.PushStatus));
        Assert.Equal(ids.Length, h.Sim.Users().Count);
        var posts = h.State.RequestsSnapshot().Where(r => r.Method == "POST" && r.Path == "/scim/v2/Users").ToList();
        Assert.Equal(ids.Length, posts.Count);
        var entries = await h.Bridge.DbAsync(db => db.LogEntries.AsNoTracking().Where(e => e.ResourceType == ResourceKinds.User).ToListAsync());
        Assert.Equal(ids.Order(StringComparer.Ordinal), entries.Select(e => e.SourceId).Order(StringComparer.Ordinal));
        var states = await h.Bridge.DbAsync(db => db.PushStates.AsNoTracking().ToListAsync());
        Assert.All(states, s => Assert.True(s is { LeaseOwner: null, MondayId: not null } && s.PushedSeq == s.ChangeSeq, s.ResourceId));
    }

    [Theory, AllDatabases]
    public async Task WhileIdentityProvidersSend_ThePushYieldsToThem_ThenGoesBackToFullConcurrency(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider, new() { ["Push:Concurrency"] = "8", ["Push:ForegroundConcurrency"] = "2" });
        h.State.LatencyMs = 100;
        await Parallel.ForEachAsync(Enumerable.Range(0, 60), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
            (await h.Bridge.PostAsync("/scim/v2/Users", PushHarness.User($"burst{i}@example.com", $"Burst {i}"))).AssertStatus(HttpStatusCode.Created));

        // Identity providers go on reading, four at a time, until a dozen pushes went out beside them: two at a time at most.
        using var enough = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Parallel.ForEachAsync(Enumerable.Range(0, 4), async (_, _) =>
        {
            while (h.State.RequestsSnapshot().Count(r => r.Method == "POST") < 12)
            {
                enough.Token.ThrowIfCancellationRequested();
                (await h.Bridge.GetAsync("/scim/v2/Users?count=1")).AssertStatus(HttpStatusCode.OK);
            }
        });
        Assert.InRange(h.State.PeakInFlight, 1, 2);

        // The burst over, the rest goes out at full concurrency.
        h.State.ResetPeakInFlight();
        var changes = await h.WaitSettledAsync(60);
        Assert.All(changes, c => Assert.Equal(PushStatuses.Pushed, c.PushStatus));
        Assert.Equal(60, h.Sim.Users().Count);
        Assert.InRange(h.State.PeakInFlight, 3, 8);
    }

    [Theory, AllDatabases]
    public async Task AClientSendingOneRequestAtATime_DoesNotSlowThePush(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider, new() { ["Push:Concurrency"] = "8", ["Push:ForegroundConcurrency"] = "1" });
        h.State.LatencyMs = 100;
        for (var i = 0; i < 30; i++)
        {
            (await h.Bridge.PostAsync("/scim/v2/Users", PushHarness.User($"one{i}@example.com", $"One {i}"))).AssertStatus(HttpStatusCode.Created);
        }

        // It goes on reading, one request at a time, all through the push: which still runs several at once.
        await Eventually.UntilAsync(async () =>
        {
            (await h.Bridge.GetAsync("/scim/v2/Users?count=1")).AssertStatus(HttpStatusCode.OK);
            return h.Sim.Users().Count == 30;
        }, "the 30 users in monday.com");
        Assert.InRange(h.State.PeakInFlight, 2, 8);
    }
}
