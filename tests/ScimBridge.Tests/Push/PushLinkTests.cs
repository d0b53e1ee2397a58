extern alias MondaySim;

using ScimBridge.Push;

namespace ScimBridge.Tests.Push;

/// <summary>One monday.com object is linked to one local object: adopting by name never takes another's.</summary>
public sealed class PushLinkTests
{
    private const string Finance = "Finance Admins";

    [Theory, AllDatabases]
    public async Task Groups_WithTheSameName_TheSecondStaysUnpushed_AndNeverTouchesTheFirstsTeam(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider);
        var (a, b) = await TwoFinanceGroupsAsync(h);
        var team = Assert.Single(h.SimGroups());
        var alice = h.SimUserByName("alice@example.com")!.Id;
        Assert.Equal(Finance, team.DisplayName);
        Assert.Equal([alice], team.Members);

        // B failed with the conflict visible, naming A, and is out of the queue: no hot loop.
        var state = (await h.StateAsync(ResourceKinds.Group, b))!;
        Assert.Equal((null, a, state.ChangeSeq), (state.MondayId, state.ConflictWith, state.PushedSeq));
        Assert.Contains(a, state.LastError!, StringComparison.Ordinal);
        Assert.Contains($"'{Finance}'", state.LastError!, StringComparison.Ordinal);
        var entry = await h.Bridge.DbAsync(db => db.LogEntries.AsNoTracking().SingleAsync(e => e.SourceId == b && e.ErrorCode == LogCodes.EntryConflict));
        Assert.Contains(a, entry.Message!, StringComparison.Ordinal);
        Assert.Equal(PushStatuses.Failed, (await h.Bridge.DbAsync(db => db.Changes.AsNoTracking().SingleAsync(c => c.ResourceId == b))).PushStatus);

        // Renaming B gives B a team of its own; A's is unchanged.
        (await h.Bridge.PatchAsync($"/scim/v2/Groups/{b}", Bodies.Patch(Bodies.Op("replace", "displayName", "Finance Admins EU"))))
            .AssertStatus(HttpStatusCode.NoContent);
        await h.WaitSettledAsync();
        AssertTeam(h.SimGroupByName(Finance), team.Id, alice);
        Assert.Equal([h.SimUserByName("mallory@example.com")!.Id], h.SimGroupByName("Finance Admins EU")!.Members);

        // Deleting B deletes B's team only.
        (await h.Bridge.DeleteAsync($"/scim/v2/Groups/{b}")).AssertStatus(HttpStatusCode.NoContent);
        await h.WaitSettledAsync();
        var left = Assert.Single(h.SimGroups());
        Assert.Equal(Finance, left.DisplayName);
        AssertTeam(left, team.Id, alice);
    }

    [Theory, AllDatabases]
    public async Task Groups_WithTheSameName_DeletingTheConflictedOne_LeavesTheFirstsTeam(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider);
        var (_, b) = await TwoFinanceGroupsAsync(h);
        var team = Assert.Single(h.SimGroups());

        (await h.Bridge.DeleteAsync($"/scim/v2/Groups/{b}")).AssertStatus(HttpStatusCode.NoContent);
        var changes = await h.WaitSettledAsync();
        Assert.Equal(PushStatuses.Skipped, changes[^1].PushStatus);
        var after = Assert.Single(h.SimGroups());
        Assert.Equal(Finance, after.DisplayName);
        AssertTeam(after, team.Id, [.. team.Members]);
    }

    [Theory, AllDatabases]
    public async Task Groups_WithTheSameName_TheSecondIsPushedOnceTheFirstIsDeleted(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider);
        var (a, b) = await TwoFinanceGroupsAsync(h);

        // The conflict cleared: B is queued again by A's push, not by a timer or an admin.
        (await h.Bridge.DeleteAsync($"/scim/v2/Groups/{a}")).AssertStatus(HttpStatusCode.NoContent);
        var mallory = h.SimUserByName("mallory@example.com")!.Id;
        await h.WaitForAsync(() => h.SimGroupByName(Finance)?.Members.SequenceEqual([mallory]), "B's team in monday.com");
        var state = await h.WaitForStateAsync(ResourceKinds.Group, b, s => s.MondayId is not null && s.ConflictWith is null, "B linked");
        Assert.Equal(h.SimGroupByName(Finance)!.Id, state.MondayId);
        Assert.All((await h.WaitSettledAsync()).Where(c => c.ResourceId == b), c => Assert.Equal(PushStatuses.Pushed, c.PushStatus));
    }

    [Theory, AllDatabases]
    public async Task Groups_WithTheSameName_WhereMondayAllowsDuplicateTeamNames_EachGetsItsOwnTeam(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider);
        h.State.UniqueTeamNames = false;
        var (a, b) = await TwoFinanceGroupsAsync(h);

        var teams = h.SimGroups();
        Assert.Equal(2, teams.Count(t => t.DisplayName == Finance));
        var linked = new[] { (await h.StateAsync(ResourceKinds.Group, a))!.MondayId, (await h.StateAsync(ResourceKinds.Group, b))!.MondayId };
        Assert.Equal(teams.Select(t => t.Id).Order(), linked.Order());
    }

    [Theory, AllDatabases]
    public async Task Users_MondayTreatsAsTheSame_TheSecondIsNeverLinkedToTheFirstsUser(DatabaseProvider provider)
    {
        // monday.com's userName comes from the work email, lower-cased: two local users, one monday.com userName.
        await using var h = await PushHarness.StartAsync(provider, new()
        {
            ["Monday:Mapping:Attributes:0:Target"] = "userName",
            ["Monday:Mapping:Attributes:0:Source"] = "emails[type eq \"work\"].value",
            ["Monday:Mapping:Attributes:0:Transform"] = "Lowercase",
            ["Monday:Mapping:Attributes:1:Target"] = "displayName",
            ["Monday:Mapping:Attributes:1:Source"] = "displayName",
        });
        var first = (await h.Bridge.PostAsync("/scim/v2/Users", WithWorkEmail(PushHarness.User("alice@example.com", "Alice"), "Alice@Corp.example"))).String("id")!;
        await h.WaitSettledAsync();
        var second = (await h.Bridge.PostAsync("/scim/v2/Users", WithWorkEmail(PushHarness.User("mallory@example.com", "Mallory"), "alice@corp.example"))).String("id")!;
        await h.WaitSettledAsync();

        var user = Assert.Single(h.Sim.Users());
        Assert.Equal(("alice@corp.example", "Alice", true), (user.UserName, user.DisplayName, user.Active));
        Assert.Equal(user.Id, (await h.StateAsync(ResourceKinds.User, first))!.MondayId);
        var state = (await h.StateAsync(ResourceKinds.User, second))!;
        Assert.Equal((null, first), (state.MondayId, state.ConflictWith));
        var entry = await h.Bridge.DbAsync(db => db.LogEntries.AsNoTracking().SingleAsync(e => e.SourceId == second && e.ErrorCode == LogCodes.EntryConflict));
        Assert.Contains($"user {first} ('alice@example.com')", entry.Message!, StringComparison.Ordinal);

        // Deactivating the second one does not reach the first's seat.
        (await h.Bridge.PatchAsync($"/scim/v2/Users/{second}", Bodies.Patch(Bodies.Op("replace", "active", false)))).AssertStatus(HttpStatusCode.OK);
        await h.WaitSettledAsync();
        Assert.True(Assert.Single(h.Sim.Users()).Active);
    }

    [Theory, AllDatabases]
    public async Task PushStates_RefuseASecondLinkToOneMondayObject(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        PushStateRecord State(string type, string id, string? mondayId) => new() { ResourceType = type, ResourceId = id, MondayId = mondayId };
        await app.DbAsync(db =>
        {
            // Unlinked ones are many; a user and a team may share an id (different monday.com objects).
            db.PushStates.AddRange(State(ResourceKinds.User, "u1", "m1"), State(ResourceKinds.Group, "g1", "m1"),
                State(ResourceKinds.User, "u2", null), State(ResourceKinds.User, "u3", null));
            return db.SaveChangesAsync();
        });

        var refused = await Assert.ThrowsAsync<DbUpdateException>(() => app.DbAsync(db =>
        {
            db.PushStates.Add(State(ResourceKinds.User, "u4", "m1"));
            return db.SaveChangesAsync();
        }));
        Assert.True(MondayLinks.IsUniqueViolation(refused));
        Assert.Equal(1, await app.DbAsync(db => db.PushStates.Where(p => p.ResourceId == "u2")
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.MondayId, "m2"))));
        var again = await Assert.ThrowsAnyAsync<Exception>(() => app.DbAsync(db => db.PushStates.Where(p => p.ResourceId == "u3")
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.MondayId, "m2"))));
        Assert.True(MondayLinks.IsUniqueViolation(again), again.ToString());
    }

    [Theory, AllDatabases]
    public async Task Post_GroupWithADuplicateDisplayName_IsAcceptedAndListed(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var first = await app.CreateGroupAsync(Finance);
        var second = await app.PostAsync("/scim/v2/Groups", Bodies.Group(Finance));
        second.AssertStatus(HttpStatusCode.Created);

        var listed = await app.GetAsync($"/scim/v2/Groups?filter={Uri.EscapeDataString($"displayName eq \"{Finance}\"")}");
        listed.AssertStatus(HttpStatusCode.OK);
        var ids = listed.Object["Resources"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()).Order().ToList();
        Assert.Equal(new[] { first, second.String("id")! }.Order(), ids);
    }

    /// <summary>A (member alice) is pushed first, then B (member mallory) with the same name.</summary>
    private static async Task<(string A, string B)> TwoFinanceGroupsAsync(PushHarness h)
    {
        var alice = (await h.Bridge.PostAsync("/scim/v2/Users", PushHarness.User("alice@example.com", "Alice"))).String("id")!;
        var mallory = (await h.Bridge.PostAsync("/scim/v2/Users", PushHarness.User("mallory@example.com", "Mallory"))).String("id")!;
        var a = (await h.Bridge.PostAsync("/scim/v2/Groups", Bodies.Group(Finance, alice))).String("id")!;
        await h.WaitSettledAsync();
        var b = await h.Bridge.PostAsync("/scim/v2/Groups", Bodies.Group(Finance, mallory));
        b.AssertStatus(HttpStatusCode.Created);
        await h.WaitSettledAsync();
        return (a, b.String("id")!);
    }

    private static void AssertTeam(MondaySim::ScimBridge.MondaySim.SimGroup? team, string id, params string[] members)
    {
        Assert.NotNull(team);
        Assert.Equal(id, team.Id);
        Assert.Equal(members, team.Members);
    }

    private static JsonObject WithWorkEmail(JsonObject user, string email)
    {
        user["emails"] = new JsonArray(new JsonObject { ["value"] = email, ["type"] = "work", ["primary"] = true });
        return user;
    }
}
