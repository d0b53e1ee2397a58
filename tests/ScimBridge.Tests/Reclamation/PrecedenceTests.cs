extern alias MondaySim;

using ScimBridge.Mirror;
using ScimBridge.Reclamation;
using ScimBridge.Tests.Mirror;

namespace ScimBridge.Tests.Reclamation;

/// <summary>
/// A reclaim and provisioning agree: the IdP's unrelated updates do not undo a reclaim; a change of the IdP's own
/// value for the attribute (a re-assignment, a new userType) ends it; after an undo nothing flips. All through inbound SCIM.
/// </summary>
public sealed class PrecedenceTests : IAsyncLifetime
{
    private SimulatorHost _sim = null!;

    public async Task InitializeAsync() => _sim = await SimulatorHost.StartAsync();

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    private static Task<PushStateRecord> PushStateAsync(ScimApp app, string userId) =>
        app.DbAsync(db => db.PushStates.AsNoTracking().SingleAsync(p => p.ResourceType == ResourceKinds.User && p.ResourceId == userId));

    /// <summary>Waits until the push has settled every change of the user and <paramref name="check"/> holds in monday.com.</summary>
    private async Task SettledAsync(ScimApp app, string userId, Func<MondaySim::ScimBridge.MondaySim.SimUser, bool> check, string what)
    {
        await Eventually.UntilAsync(async () =>
        {
            var state = await PushStateAsync(app, userId);
            if (state.MondayId is null || state.PushedSeq != state.ChangeSeq || state.LeaseOwner is not null)
            {
                return false;
            }
            return _sim.State.FindUser(state.MondayId) is { } user && check(user);
        }, what);
    }

    private async Task<(string UserId, QueuedSeat Seat)> ProvisionAsync(ScimApp app, string userName, string userType)
    {
        var id = await app.CreateUserWithTypeAsync(userName, userType);
        await SettledAsync(app, id, _ => true, "the push creates the user in monday.com");
        var mondayId = (await PushStateAsync(app, id)).MondayId!;
        return (id, new QueuedSeat(mondayId, userName, userType.ToLowerInvariant(), RevokerSeed.Old, id));
    }

    private static async Task PatchAsync(ScimApp app, string id, string path, JsonNode value)
    {
        var response = await app.PatchAsync($"/scim/v2/Users/{id}", new JsonObject
        {
            ["schemas"] = new JsonArray("urn:ietf:params:scim:api:messages:2.0:PatchOp"),
            ["Operations"] = new JsonArray(new JsonObject { ["op"] = "replace", ["path"] = path, ["value"] = value }),
        });
        response.AssertStatus(System.Net.HttpStatusCode.OK);
    }

    [Theory, AllDatabases]
    public async Task Deactivated_StaysInactiveOnUnrelatedUpdates_AndComesBackWhenTheIdPReassigns(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, RevokerSeed.MondaySettings(_sim));
        var (id, seat) = await ProvisionAsync(app, "dee@example.com", "Member");
        var ids = await app.QueueAsync(MirrorApps.Monday, ReclaimActions.Deactivate, seat);
        await app.Revoker().ProcessAsync(CancellationToken.None);
        Assert.False(_sim.State.FindUser(seat.AccountId)!.Active);
        var state = await PushStateAsync(app, id);
        Assert.Equal(("active", "true", "false", ids[0]), (state.ReclaimedAttribute, state.ReclaimedBasis, state.ReclaimedValue, state.ReclaimCandidateId));
        Assert.False(JsonNode.Parse(state.Pushed!)!["active"]!.GetValue<bool>());

        await PatchAsync(app, id, "title", "Engineer");
        await SettledAsync(app, id, u => u.Title == "Engineer", "the title reaches monday.com");

        Assert.False(_sim.State.FindUser(seat.AccountId)!.Active);
        Assert.Equal("active", (await PushStateAsync(app, id)).ReclaimedAttribute);

        // The IdP un-assigns, then assigns again: its value changed, so the override ends and the IdP's value goes.
        await PatchAsync(app, id, "active", false);
        await SettledAsync(app, id, u => !u.Active, "the un-assignment settles");
        Assert.Null((await PushStateAsync(app, id)).ReclaimedAttribute);
        await PatchAsync(app, id, "active", true);
        await SettledAsync(app, id, u => u.Active, "the re-assignment reactivates the user in monday.com");

        var cleared = await PushStateAsync(app, id);
        Assert.Equal((null, null, null, null), (cleared.ReclaimedAttribute, cleared.ReclaimedBasis, cleared.ReclaimedValue, cleared.ReclaimCandidateId));
    }

    [Theory, AllDatabases]
    public async Task Downgraded_StaysViewerOnUnrelatedUpdates_UntilTheMappedUserTypeChanges(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, RevokerSeed.MondaySettings(_sim));
        var (id, seat) = await ProvisionAsync(app, "dan@example.com", "Member");
        await app.QueueAsync(MirrorApps.Monday, ReclaimActions.Downgrade, seat);
        await app.Revoker().ProcessAsync(CancellationToken.None);
        Assert.Equal("viewer", _sim.State.FindUser(seat.AccountId)!.UserType);
        Assert.Equal(("userType", "member", "viewer"), ((await PushStateAsync(app, id)).ReclaimedAttribute, (await PushStateAsync(app, id)).ReclaimedBasis, (await PushStateAsync(app, id)).ReclaimedValue));

        await PatchAsync(app, id, "title", "Analyst");
        await SettledAsync(app, id, u => u.Title == "Analyst", "the title reaches monday.com");
        // An IdP value that maps to the same monday type is no change either.
        await PatchAsync(app, id, "userType", "Employee");
        await SettledAsync(app, id, _ => true, "the userType change settles");

        Assert.Equal("viewer", _sim.State.FindUser(seat.AccountId)!.UserType);

        await PatchAsync(app, id, "userType", "Admin");
        await SettledAsync(app, id, u => u.UserType == "admin", "the new mapped userType reaches monday.com");
        Assert.Null((await PushStateAsync(app, id)).ReclaimedAttribute);
    }

    [Theory, AllDatabases]
    public async Task AfterAnUndo_TheNextInboundUpdateFlipsNothing(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, RevokerSeed.MondaySettings(_sim));
        var (downId, down) = await ProvisionAsync(app, "undo-down@example.com", "Member");
        var (offId, off) = await ProvisionAsync(app, "undo-off@example.com", "Member");
        var ids = (await app.QueueAsync(MirrorApps.Monday, ReclaimActions.Downgrade, down))
            .Concat(await app.QueueAsync(MirrorApps.Monday, ReclaimActions.Deactivate, off)).ToList();
        await app.Revoker().ProcessAsync(CancellationToken.None);
        Assert.All(await app.Revoker().UndoAsync(ids, ReclaimActor.Admin("bob@admin"), CancellationToken.None), r => Assert.True(r.Done, r.Error));
        Assert.Equal(("member", true), (_sim.State.FindUser(down.AccountId)!.UserType, _sim.State.FindUser(off.AccountId)!.Active));
        var restored = await PushStateAsync(app, downId);
        Assert.Null(restored.ReclaimedAttribute);
        Assert.Equal("member", JsonNode.Parse(restored.Pushed!)!["userType"]!.GetValue<string>());
        var requestsBefore = _sim.State.Requests.Count(r => r.Method == "PATCH");

        await PatchAsync(app, downId, "title", "After");
        await PatchAsync(app, offId, "title", "After");
        await SettledAsync(app, downId, u => u.Title == "After", "the title reaches monday.com");
        await SettledAsync(app, offId, u => u.Title == "After", "the title reaches monday.com");

        Assert.Equal(("member", true), (_sim.State.FindUser(down.AccountId)!.UserType, _sim.State.FindUser(off.AccountId)!.Active));
        // Only the titles were sent: one PATCH each.
        Assert.Equal(requestsBefore + 2, _sim.State.Requests.Count(r => r.Method == "PATCH"));
    }
}
