using ScimBridge.Mirror;
using ScimBridge.Reclamation;

namespace ScimBridge.Tests.Reclamation;

/// <summary>Undo of a reclaim, one by one or a wave, against the monday.com simulator (GraphQL and SCIM).</summary>
public sealed class UndoTests : IAsyncLifetime
{
    private static readonly ReclaimActor Bob = ReclaimActor.Admin("bob@admin");
    private SimulatorHost _sim = null!;

    public async Task InitializeAsync() => _sim = await SimulatorHost.StartAsync();

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    private QueuedSeat Seed(string email, string type = "member")
    {
        var user = _sim.State.SeedUser(email, email.Split('@')[0], type, lastActivity: RevokerSeed.Old);
        return new QueuedSeat(user.Id, user.UserName, type, RevokerSeed.Old);
    }

    [Theory, AllDatabases]
    public async Task UndoADowngradeWave_RestoresEachPreviousRole_ClosesCanceled_WithCooldownAndLog(DatabaseProvider provider)
    {
        // Two admins are reclaimed; a third one stays, so monday.com has an admin left.
        _sim.State.SeedUser("boss@example.com", "Boss", "admin");
        var member = Seed("m@example.com");
        var admin = Seed("a@example.com", "admin");
        var guest = Seed("g@example.com", "guest");
        await using var app = await ScimApp.StartAsync(provider, RevokerSeed.MondaySettings(_sim));
        var ids = await app.QueueAsync(MirrorApps.Monday, ReclaimActions.Downgrade, member, admin, guest);
        await app.Revoker().ProcessAsync(CancellationToken.None);
        Assert.All(new[] { member, admin, guest }, s => Assert.Equal("viewer", _sim.State.FindUser(s.AccountId)!.UserType));

        var results = await app.Revoker().UndoAsync(ids, Bob, CancellationToken.None);

        Assert.All(results, r => Assert.True(r.Done, r.Error));
        Assert.Equal(("member", "admin", "guest"),
            (_sim.State.FindUser(member.AccountId)!.UserType, _sim.State.FindUser(admin.AccountId)!.UserType, _sim.State.FindUser(guest.AccountId)!.UserType));
        var candidates = await app.CandidatesAsync(ids);
        Assert.All(candidates, c =>
        {
            Assert.Equal((CandidateStates.ClosedCanceled, "bob@admin"), (c.State, c.UndoneBy));
            Assert.NotNull(c.UndoneAt);
            Assert.True(c.CooldownUntil > DateTimeOffset.UtcNow.AddDays(29), "the rule's 30-day cool-down");
        });
        Assert.Equal("Undone by bob@admin: restored admin.", candidates[1].StateReason);
        Assert.Equal(SeatTypes.Admin, (await app.SeatAsync(candidates[1].SeatId)).SeatType);
        var entries = await app.ReclaimEntriesAsync(LogActions.ReclaimUndo);
        Assert.Equal(3, entries.Count);
        Assert.All(entries, e => Assert.Equal((LogStatuses.Success, "bob@admin"), (e.Status, e.Initiator)));
        var property = JsonNode.Parse(entries[1].ModifiedProperties)!.AsArray()[0]!;
        Assert.Equal(("viewer", "admin"), ((string)property["old"]!, (string)property["new"]!));
        Assert.Contains("update_users_role", (await app.CallsOfAsync(entries[0].Id)).Single().Path, StringComparison.Ordinal);
    }

    [Theory, AllDatabases]
    public async Task UndoADeactivation_ViaGraphQl_Reactivates(DatabaseProvider provider)
    {
        var seat = Seed("d@example.com");
        await using var app = await ScimApp.StartAsync(provider, RevokerSeed.MondaySettings(_sim));
        var ids = await app.QueueAsync(MirrorApps.Monday, ReclaimActions.Deactivate, seat);
        await app.Revoker().ProcessAsync(CancellationToken.None);
        Assert.False(_sim.State.FindUser(seat.AccountId)!.Active);

        var result = Assert.Single(await app.Revoker().UndoAsync(ids, Bob, CancellationToken.None));

        Assert.True(result.Done, result.Error);
        Assert.True(_sim.State.FindUser(seat.AccountId)!.Active);
        Assert.Equal("activate_users", _sim.State.Mutations[^1].Field);
        var c = await app.CandidateAsync(ids[0]);
        Assert.Equal("Undone by bob@admin: reactivated.", c.StateReason);
        Assert.Equal(SeatStatuses.Active, (await app.SeatAsync(c.SeatId)).Status);
    }

    [Theory, AllDatabases]
    public async Task UndoViaScim_PatchesBack(DatabaseProvider provider)
    {
        var down = Seed("down@example.com");
        var off = Seed("off@example.com");
        await using var app = await ScimApp.StartAsync(provider, RevokerSeed.MondaySettings(_sim, via: "scim"));
        var ids = (await app.QueueAsync(MirrorApps.Monday, ReclaimActions.Downgrade, down))
            .Concat(await app.QueueAsync(MirrorApps.Monday, ReclaimActions.Deactivate, off)).ToList();
        await app.Revoker().ProcessAsync(CancellationToken.None);
        Assert.Equal(("viewer", false), (_sim.State.FindUser(down.AccountId)!.UserType, _sim.State.FindUser(off.AccountId)!.Active));

        var results = await app.Revoker().UndoAsync(ids, Bob, CancellationToken.None);

        Assert.All(results, r => Assert.True(r.Done, r.Error));
        Assert.Equal(("member", true), (_sim.State.FindUser(down.AccountId)!.UserType, _sim.State.FindUser(off.AccountId)!.Active));
        Assert.Empty(_sim.State.Mutations);
    }

    [Theory, AllDatabases]
    public async Task Undo_OfWhatIsNotClosedComplete_OrAlreadyUndone_IsRefusedWithAReason(DatabaseProvider provider)
    {
        var seat = Seed("x@example.com");
        var other = Seed("y@example.com");
        await using var app = await ScimApp.StartAsync(provider, RevokerSeed.MondaySettings(_sim));
        var done = await app.QueueAsync(MirrorApps.Monday, ReclaimActions.Downgrade, seat);
        await app.Revoker().ProcessAsync(CancellationToken.None);
        var waiting = await app.QueueAsync(MirrorApps.Monday, ReclaimActions.Downgrade, other);
        await app.DbAsync(db => db.ReclaimCandidates.Where(c => c.Id == waiting[0])
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.State, CandidateStates.Ready)));
        Assert.True(Assert.Single(await app.Revoker().UndoAsync(done, Bob, CancellationToken.None)).Done);

        var results = await app.Revoker().UndoAsync([done[0], waiting[0], 987654], Bob, CancellationToken.None);

        Assert.All(results, r => Assert.False(r.Done));
        Assert.Equal("It is Closed Canceled: only Closed Complete reclaims can be undone.", results[0].Error);
        Assert.Equal("It is Ready: only Closed Complete reclaims can be undone.", results[1].Error);
        Assert.Equal("No candidate 987654.", results[2].Error);
        // The reclaim and its one undo: the refused undos sent nothing.
        Assert.Equal(2, _sim.State.Mutations.Count);
    }
}
