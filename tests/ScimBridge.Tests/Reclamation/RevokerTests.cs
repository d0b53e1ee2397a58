using ScimBridge.Mirror;
using ScimBridge.Reclamation;

namespace ScimBridge.Tests.Reclamation;

/// <summary>The revoker against the monday.com simulator over HTTP: the simulator's users are the proof.</summary>
public sealed class RevokerTests : IAsyncLifetime
{
    private SimulatorHost _sim = null!;

    public async Task InitializeAsync() => _sim = await SimulatorHost.StartAsync();

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    private QueuedSeat[] SeedMembers(int count, string type = "member", string prefix = "user")
    {
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            var user = _sim.State.SeedUser($"{prefix}{i}@example.com", $"User {i}", type, lastActivity: RevokerSeed.Old);
            return new QueuedSeat(user.Id, user.UserName, type, RevokerSeed.Old);
        })];
    }

    [Theory, AllDatabases]
    public async Task Downgrade_ViaGraphQl_MakesViewers_ClosesComplete_UpdatesTheMirror_AndLogsStepsPropertiesAndCalls(DatabaseProvider provider)
    {
        var seats = SeedMembers(3);
        await using var app = await ScimApp.StartAsync(provider, RevokerSeed.MondaySettings(_sim));
        var ids = await app.QueueAsync(MirrorApps.Monday, ReclaimActions.Downgrade, seats);

        var settled = await app.Revoker().ProcessAsync(CancellationToken.None);

        Assert.Equal(3, settled);
        Assert.All(seats, s => Assert.Equal("viewer", _sim.State.FindUser(s.AccountId)!.UserType));
        var mutation = Assert.Single(_sim.State.Mutations);
        Assert.Equal(("update_users_role", 3), (mutation.Field, mutation.UserIds.Count));
        var candidates = await app.CandidatesAsync(ids);
        Assert.All(candidates, c =>
        {
            Assert.Equal(CandidateStates.ClosedComplete, c.State);
            Assert.Equal((SeatTypes.Member, SeatTypes.Viewer, RevokerSeed.Admin), (c.PreviousSeatType, c.NewSeatType, c.ReclaimedBy));
            Assert.NotNull(c.ReclaimedAt);
            Assert.Null(c.LeaseOwner);
        });
        Assert.Equal(SeatTypes.Viewer, (await app.SeatAsync(candidates[0].SeatId)).SeatType);
        var transition = await app.DbAsync(db => db.ReclaimTransitions.AsNoTracking().Where(t => t.CandidateId == ids[0]).OrderBy(t => t.Id).LastAsync());
        Assert.Equal((CandidateStates.ClosedComplete, RevokerSeed.Admin), (transition.ToState, transition.Actor));

        var entries = await app.ReclaimEntriesAsync();
        Assert.Equal(3, entries.Count);
        var entry = entries[0];
        Assert.Equal((Initiators.Reclamation, RevokerSeed.Admin, ResourceKinds.Seat, LogStatuses.Success),
            (entry.InitiatorType, entry.Initiator, entry.ResourceType, entry.Status));
        Assert.Equal(MirrorLog.SeatSourceId(MirrorApps.Monday, seats[0].AccountId), entry.SourceId);
        Assert.Equal($"reclaim-{candidates[0].WaveId}", entry.CycleId);
        var steps = JsonNode.Parse(entry.Steps)!.AsArray();
        Assert.Equal(["Recheck", "Act"], steps.Select(s => (string)s!["name"]!));
        Assert.All(steps, s => Assert.Equal("Success", (string)s!["status"]!));
        var property = Assert.Single(JsonNode.Parse(entry.ModifiedProperties)!.AsArray());
        Assert.Equal(("seatType", "member", "viewer"), ((string)property!["name"]!, (string)property["old"]!, (string)property["new"]!));
        var calls = await app.CallsOfAsync(entry.Id);
        Assert.Equal(["/v2 users", "/v2 update_users_role"], calls.Select(c => c.Path));
        Assert.All(calls, c => Assert.Equal(200, c.Status));
    }

    [Theory, AllDatabases]
    public async Task Deactivate_ViaGraphQl_DeactivatesAndCountsAgainstTheDeletionGuard(DatabaseProvider provider)
    {
        var seats = SeedMembers(2);
        await using var app = await ScimApp.StartAsync(provider, RevokerSeed.MondaySettings(_sim));
        var ids = await app.QueueAsync(MirrorApps.Monday, ReclaimActions.Deactivate, seats);

        await app.Revoker().ProcessAsync(CancellationToken.None);

        Assert.All(seats, s => Assert.False(_sim.State.FindUser(s.AccountId)!.Active));
        var candidates = await app.CandidatesAsync(ids);
        Assert.All(candidates, c => Assert.Equal((CandidateStates.ClosedComplete, true, false), (c.State, c.PreviousActive, c.NewActive)));
        Assert.Equal(SeatStatuses.Inactive, (await app.SeatAsync(candidates[1].SeatId)).Status);
        Assert.Equal(2, await app.DbAsync(db => db.DeprovisionGrants.CountAsync(g => g.ResourceType == ResourceKinds.Seat)));
        var entry = (await app.ReclaimEntriesAsync())[0];
        Assert.Equal(["Recheck", "Guard", "Act"], JsonNode.Parse(entry.Steps)!.AsArray().Select(s => (string)s!["name"]!));
        Assert.Contains("\"active\"", entry.ModifiedProperties, StringComparison.Ordinal);
    }

    [Theory, AllDatabases]
    public async Task ViaScim_PatchesEachUser_AndWarnsThatActivityWasNotReChecked(DatabaseProvider provider)
    {
        var seats = SeedMembers(2);
        await using var app = await ScimApp.StartAsync(provider, RevokerSeed.MondaySettings(_sim, via: "scim"));
        var down = await app.QueueAsync(MirrorApps.Monday, ReclaimActions.Downgrade, seats[0]);
        var off = await app.QueueAsync(MirrorApps.Monday, ReclaimActions.Deactivate, seats[1]);

        Assert.Equal(2, await app.Revoker().ProcessAsync(CancellationToken.None));

        Assert.Equal("viewer", _sim.State.FindUser(seats[0].AccountId)!.UserType);
        Assert.False(_sim.State.FindUser(seats[1].AccountId)!.Active);
        Assert.Empty(_sim.State.Mutations);
        Assert.All(await app.CandidatesAsync([.. down, .. off]), c => Assert.True(c.State == CandidateStates.ClosedComplete, $"{c.State}: {c.StateReason}"));
        var entries = await app.ReclaimEntriesAsync();
        Assert.All(entries, e => Assert.Equal(LogStatuses.Warning, e.Status));
        var recheck = JsonNode.Parse(entries[0].Steps)!.AsArray()[0]!;
        Assert.Equal(("Recheck", "Warning"), ((string)recheck["name"]!, (string)recheck["status"]!));
        Assert.Contains("PATCH", (await app.CallsOfAsync(entries[0].Id)).Select(c => c.Method));
    }

    [Theory, AllDatabases]
    public async Task NewActivity_BeforeActing_CancelsWithTheTime_AndMovesTheMirrorForward(DatabaseProvider provider)
    {
        var seats = SeedMembers(2);
        var recent = new DateTimeOffset(2026, 11, 30, 9, 15, 0, TimeSpan.Zero);
        _sim.State.SetLastActivity(seats[0].AccountId, recent);
        await using var app = await ScimApp.StartAsync(provider, RevokerSeed.MondaySettings(_sim));
        var ids = await app.QueueAsync(MirrorApps.Monday, ReclaimActions.Downgrade, seats);

        await app.Revoker().ProcessAsync(CancellationToken.None);

        Assert.Equal("member", _sim.State.FindUser(seats[0].AccountId)!.UserType);
        Assert.Equal("viewer", _sim.State.FindUser(seats[1].AccountId)!.UserType);
        Assert.Equal([seats[1].AccountId], Assert.Single(_sim.State.Mutations).UserIds);
        var canceled = await app.CandidateAsync(ids[0]);
        Assert.Equal(CandidateStates.ClosedCanceled, canceled.State);
        Assert.Contains("2026-11-30 09:15:00 UTC", canceled.StateReason, StringComparison.Ordinal);
        Assert.Equal(recent, (await app.SeatAsync(canceled.SeatId)).LastActivity);
    }

    [Theory, AllDatabases]
    public async Task AlreadyViewer_ClosesSkipped_WithoutAMutation(DatabaseProvider provider)
    {
        var seats = SeedMembers(1, type: "viewer");
        await using var app = await ScimApp.StartAsync(provider, RevokerSeed.MondaySettings(_sim));
        var ids = await app.QueueAsync(MirrorApps.Monday, ReclaimActions.Downgrade, seats[0] with { SeatType = SeatTypes.Member });

        await app.Revoker().ProcessAsync(CancellationToken.None);

        var c = await app.CandidateAsync(ids[0]);
        Assert.Equal(CandidateStates.ClosedSkipped, c.State);
        Assert.Contains("Already a viewer", c.StateReason, StringComparison.Ordinal);
        Assert.Empty(_sim.State.Mutations);
    }

    [Theory, AllDatabases]
    public async Task Refusals_UserNotFound_CannotUpdateSelf_LastAdmin_NeedAttention_AndAreNotRetried(DatabaseProvider provider)
    {
        var me = _sim.State.SeedUser("me@example.com", "Me", "member", lastActivity: RevokerSeed.Old);
        var admin = _sim.State.SeedUser("admin@example.com", "Admin", "admin", lastActivity: RevokerSeed.Old);
        var ok = _sim.State.SeedUser("ok@example.com", "Ok", "member", lastActivity: RevokerSeed.Old);
        _sim.State.TokenUserId = me.Id;
        await using var app = await ScimApp.StartAsync(provider, RevokerSeed.MondaySettings(_sim));
        var ids = await app.QueueAsync(MirrorApps.Monday, ReclaimActions.Deactivate,
            new QueuedSeat("99999999", "gone@example.com", LastActivity: RevokerSeed.Old),
            new QueuedSeat(me.Id, me.UserName, LastActivity: RevokerSeed.Old),
            new QueuedSeat(admin.Id, admin.UserName, SeatTypes.Admin, RevokerSeed.Old),
            new QueuedSeat(ok.Id, ok.UserName, LastActivity: RevokerSeed.Old));

        Assert.Equal(4, await app.Revoker().ProcessAsync(CancellationToken.None));
        Assert.Equal(0, await app.Revoker().ProcessAsync(CancellationToken.None));

        var c = await app.CandidatesAsync(ids);
        Assert.Equal((CandidateStates.AttentionRequired, "USER_NOT_FOUND"), (c[0].State, c[0].ErrorCode));
        Assert.Equal((CandidateStates.AttentionRequired, "CANNOT_UPDATE_SELF"), (c[1].State, c[1].ErrorCode));
        Assert.Contains("You cannot update your own user", c[1].StateReason, StringComparison.Ordinal);
        Assert.Equal((CandidateStates.AttentionRequired, "FAILED"), (c[2].State, c[2].ErrorCode));
        Assert.Contains("last admin", c[2].StateReason, StringComparison.Ordinal);
        Assert.Equal(CandidateStates.ClosedComplete, c[3].State);
        Assert.True(_sim.State.FindUser(me.Id)!.Active);
        Assert.True(_sim.State.FindUser(admin.Id)!.Active);
        // One mutation for the three that were there; nothing sent again.
        Assert.Equal([me.Id, admin.Id, ok.Id], Assert.Single(_sim.State.Mutations).UserIds);
        var failed = (await app.ReclaimEntriesAsync()).Where(e => e.Status == LogStatuses.Failure).ToList();
        Assert.Equal(3, failed.Count);
    }

    [Theory, AllDatabases]
    public async Task A429Storm_StillCompletes_WithOneMutationPerUser(DatabaseProvider provider)
    {
        var seats = SeedMembers(30);
        await using var app = await ScimApp.StartAsync(provider, new Dictionary<string, string?>(RevokerSeed.MondaySettings(_sim))
        {
            ["Reclamation:BatchSize"] = "5",
            ["Monday:MaxRetries"] = "20",
        });
        var ids = await app.QueueAsync(MirrorApps.Monday, ReclaimActions.Downgrade, seats);
        _sim.State.TooManyRequestsRate = 0.4;

        Assert.Equal(30, await app.Revoker().ProcessAsync(CancellationToken.None));

        _sim.State.TooManyRequestsRate = 0;
        Assert.True(_sim.State.Requests.Count(r => r.Status == 429) > 0, "the storm answered some requests 429");
        Assert.All(seats, s => Assert.Equal("viewer", _sim.State.FindUser(s.AccountId)!.UserType));
        var mutated = _sim.State.Mutations.SelectMany(m => m.UserIds).ToList();
        Assert.Equal(30, mutated.Count);
        Assert.Equal(30, mutated.Distinct().Count());
        Assert.All(await app.CandidatesAsync(ids), c => Assert.Equal(CandidateStates.ClosedComplete, c.State));
        var calls = await app.DbAsync(db => db.OutboundCalls.AsNoTracking().Where(c => c.ResourceType == ResourceKinds.Seat && c.Status == 429).CountAsync());
        Assert.True(calls > 0, "the 429s are in the call log");
    }

    [Theory, AllDatabases]
    public async Task Batches_AreAtMost200Ids(DatabaseProvider provider)
    {
        var seats = SeedMembers(250);
        await using var app = await ScimApp.StartAsync(provider, RevokerSeed.MondaySettings(_sim));
        var ids = await app.QueueAsync(MirrorApps.Monday, ReclaimActions.Downgrade, seats);

        Assert.Equal(250, await app.Revoker().ProcessAsync(CancellationToken.None));

        Assert.Equal([200, 50], _sim.State.Mutations.Select(m => m.UserIds.Count));
        Assert.Equal(4, _sim.State.Requests.Count(r => r.Path == "/v2"));
        Assert.Equal(250, _sim.Users().Count(u => u.UserType == "viewer"));
    }

    [Theory, AllDatabases]
    public async Task TwoRevokersAtOnce_ActOncePerCandidate(DatabaseProvider provider)
    {
        var seats = SeedMembers(40);
        _sim.State.LatencyMs = 20;
        await using var app = await ScimApp.StartAsync(provider, new Dictionary<string, string?>(RevokerSeed.MondaySettings(_sim))
        {
            ["Reclamation:BatchSize"] = "4",
        });
        var ids = await app.QueueAsync(MirrorApps.Monday, ReclaimActions.Deactivate, seats);

        var settled = await Task.WhenAll(
            Task.Run(() => app.Revoker().ProcessAsync(CancellationToken.None)),
            Task.Run(() => app.Revoker().ProcessAsync(CancellationToken.None)));

        Assert.Equal(40, settled.Sum());
        var mutated = _sim.State.Mutations.SelectMany(m => m.UserIds).ToList();
        Assert.Equal(40, mutated.Count);
        Assert.Equal(40, mutated.Distinct().Count());
        Assert.Equal(40, (await app.ReclaimEntriesAsync()).Count);
        Assert.All(await app.CandidatesAsync(ids), c => Assert.Equal(CandidateStates.ClosedComplete, c.State));
    }

    [Theory, AllDatabases]
    public async Task WhileThePushIsQuarantined_MondayCandidatesWait(DatabaseProvider provider)
    {
        var seats = SeedMembers(1);
        await using var app = await ScimApp.StartAsync(provider, RevokerSeed.MondaySettings(_sim));
        var ids = await app.QueueAsync(MirrorApps.Monday, ReclaimActions.Downgrade, seats);
        await app.DbAsync(async db =>
        {
            var target = await db.PushTargets.FirstOrDefaultAsync(t => t.Id == "monday");
            if (target is null)
            {
                db.PushTargets.Add(target = new PushTargetRecord { Id = "monday" });
            }
            target.QuarantinedSince = DateTimeOffset.UtcNow;
            target.NextProbeAt = DateTimeOffset.UtcNow.AddHours(1);
            return await db.SaveChangesAsync();
        });

        Assert.Equal(0, await app.Revoker().ProcessAsync(CancellationToken.None));

        Assert.Equal(CandidateStates.AwaitingRevocation, (await app.CandidateAsync(ids[0])).State);
        Assert.Equal("member", _sim.State.FindUser(seats[0].AccountId)!.UserType);
    }
}
