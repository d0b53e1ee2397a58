extern alias MondaySim;

using MondaySimUser = MondaySim::ScimBridge.MondaySim.SimUser;

namespace ScimBridge.Tests.Push;

public sealed class PushEndToEndTests
{
    [Theory, AllDatabases]
    public async Task Create_ArrivesMapped_LinkedAndLogged(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider);
        var body = PushHarness.User("Ada.Lovelace@Example.com", "Ada Lovelace", userType: "Employee", title: "Engineer");
        body["locale"] = "en-GB";
        body["timezone"] = "Europe/London";
        Assert.NotEqual("localhost", h.Bridge.Scim.BaseAddress!.Host);
        var created = await h.Bridge.PostAsync("/scim/v2/Users", body);
        created.AssertStatus(HttpStatusCode.Created);
        var id = created.String("id")!;

        var user = await h.WaitForAsync(() => h.SimUserByName("ada.lovelace@example.com"), "the user in monday.com");
        Assert.Equal("ada.lovelace@example.com", user.UserName);
        Assert.Equal("Ada Lovelace", user.DisplayName);
        Assert.Equal("member", user.UserType);
        Assert.Equal("Engineer", user.Title);
        Assert.Equal("en-GB", user.Locale);
        Assert.Equal("Europe/London", user.Timezone);
        Assert.True(user.Active);
        Assert.True(user.ScimProvisioned);

        var changes = await h.WaitSettledAsync();
        var change = Assert.Single(changes);
        Assert.Equal(PushStatuses.Pushed, change.PushStatus);
        Assert.NotNull(change.PushedAt);
        var state = await h.StateAsync(ResourceKinds.User, id);
        Assert.Equal(user.Id, state!.MondayId);
        var calls = await h.Bridge.DbAsync(db => db.OutboundCalls.AsNoTracking().Where(c => c.ResourceId == id).ToListAsync());
        var post = Assert.Single(calls);
        Assert.Equal(("POST", 201, change.Id), (post.Method, post.Status, post.ChangeId));
        Assert.EndsWith("/scim/v2/Users", post.Path, StringComparison.Ordinal);
        Assert.DoesNotContain("ada", post.Excerpt ?? "", StringComparison.OrdinalIgnoreCase);
    }

    [Theory, AllDatabases]
    public async Task Create_WakesTheIdlePush_WithoutWaitingForItsPoll(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider, new() { ["Push:IdlePollMilliseconds"] = "60000" });
        await h.Bridge.PostAsync("/scim/v2/Users", PushHarness.User("first@example.com", "First"));
        await h.WaitForAsync(() => h.SimUserByName("first@example.com"), "the first user in monday.com");
        await h.WaitSettledAsync();

        // The worker now idles for a minute: the second user arrives sooner only because its create woke it.
        (await h.Bridge.PostAsync("/scim/v2/Users", PushHarness.User("second@example.com", "Second"))).AssertStatus(HttpStatusCode.Created);
        await h.WaitForAsync(() => h.SimUserByName("second@example.com"), "the second user in monday.com", seconds: 15);
    }

    [Theory, AllDatabases]
    public async Task Update_EachMappedAttribute_ReachesMondayAsAMinimalPatch(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider);
        var id = (await h.Bridge.PostAsync("/scim/v2/Users", PushHarness.User("grace@example.com", "Grace Hopper", "Employee", "Officer"))).String("id")!;
        await h.WaitSettledAsync();

        var steps = new (string Path, JsonNode Value, Func<MondaySimUser, bool> Arrived)[]
        {
            ("displayName", "Grace B. Hopper", u => u.DisplayName == "Grace B. Hopper"),
            ("title", "Rear Admiral", u => u.Title == "Rear Admiral"),
            ("locale", "en-US", u => u.Locale == "en-US"),
            ("timezone", "America/New_York", u => u.Timezone == "America/New_York"),
            ("userType", "Guest", u => u.UserType == "guest"),
            ("userName", "grace.hopper@example.com", u => u.UserName == "grace.hopper@example.com"),
        };
        foreach (var (path, value, arrived) in steps)
        {
            (await h.Bridge.PatchAsync($"/scim/v2/Users/{id}", Bodies.Patch(Bodies.Op("replace", path, value)))).AssertStatus(HttpStatusCode.OK);
            await h.WaitForAsync(() => h.Sim.Users().Any(arrived), $"{path} in monday.com");
        }

        // title removed → removed in monday too.
        (await h.Bridge.PatchAsync($"/scim/v2/Users/{id}", Bodies.Patch(Bodies.Op("remove", "title", null)))).AssertStatus(HttpStatusCode.OK);
        await h.WaitForAsync(() => h.SimUserByName("grace.hopper@example.com") is { Title: null }, "title removed in monday.com");

        // An attribute monday does not receive changes nothing downstream: no call at all.
        var changes = await h.WaitSettledAsync();
        var callsBefore = await h.Bridge.DbAsync(db => db.OutboundCalls.CountAsync());
        (await h.Bridge.PatchAsync($"/scim/v2/Users/{id}", Bodies.Patch(Bodies.Op("replace", "name.givenName", "Amazing")))).AssertStatus(HttpStatusCode.OK);
        var settled = await h.WaitSettledAsync();
        Assert.Equal(changes.Count + 1, settled.Count);
        Assert.Equal(PushStatuses.Pushed, settled[^1].PushStatus);
        Assert.Equal(callsBefore, await h.Bridge.DbAsync(db => db.OutboundCalls.CountAsync()));

        // Each PATCH carried one operation: one monday PATCH per inbound change, one user in monday.
        var patches = await h.Bridge.DbAsync(db => db.OutboundCalls.Where(c => c.Method == "PATCH").CountAsync());
        Assert.Equal(steps.Length + 1, patches);
        Assert.Single(h.Sim.Users());
        Assert.All(settled, c => Assert.Equal(PushStatuses.Pushed, c.PushStatus));
    }

    [Theory, AllDatabases]
    public async Task UserType_IsMappedAndARoleDecidesTheSeat(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider);
        await h.Bridge.PostAsync("/scim/v2/Users", PushHarness.User("member@example.com", "Member", "Member"));
        await h.Bridge.PostAsync("/scim/v2/Users", PushHarness.User("guest@example.com", "Guest", "Guest"));
        await h.Bridge.PostAsync("/scim/v2/Users", PushHarness.User("odd@example.com", "Odd", "Intern-Level-3"));
        var admin = PushHarness.User("boss@example.com", "Boss", "Employee");
        admin["roles"] = new JsonArray(new JsonObject { ["value"] = "admin", ["primary"] = true });
        var adminId = (await h.Bridge.PostAsync("/scim/v2/Users", admin)).String("id")!;
        var changes = await h.WaitSettledAsync();

        Assert.Equal("member", h.SimUserByName("member@example.com")!.UserType);
        Assert.Equal("guest", h.SimUserByName("guest@example.com")!.UserType);
        Assert.Equal("member", h.SimUserByName("odd@example.com")!.UserType);
        Assert.Equal("admin", h.SimUserByName("boss@example.com")!.UserType);
        // The unknown value fell back to the default, was never sent raw, and the change says so.
        Assert.Contains(changes, c => c.PushError?.Contains("Intern-Level-3", StringComparison.Ordinal) == true);

        // Dropping the role gives the seat back to what userType says.
        (await h.Bridge.PatchAsync($"/scim/v2/Users/{adminId}", Bodies.Patch(Bodies.Op("remove", "roles", null)))).AssertStatus(HttpStatusCode.OK);
        await h.WaitForAsync(() => h.SimUserByName("boss@example.com") is { UserType: "member" }, "admin demoted to member");
    }

    [Theory, AllDatabases]
    public async Task DisableEnableDelete_DeactivateAndReactivateTheSameMondayUser(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider);
        var id = (await h.Bridge.PostAsync("/scim/v2/Users", PushHarness.User("leaver@example.com", "Leaver"))).String("id")!;
        var user = await h.WaitForAsync(() => h.SimUserByName("leaver@example.com"), "created");

        (await h.Bridge.PatchAsync($"/scim/v2/Users/{id}", Bodies.Patch(Bodies.Op("replace", "active", false)))).AssertStatus(HttpStatusCode.OK);
        await h.WaitForAsync(() => h.SimUserByName("leaver@example.com") is { Active: false }, "deactivated");
        // Entra's quirk: a path-less replace with "False" as a string.
        (await h.Bridge.PatchAsync($"/scim/v2/Users/{id}", Bodies.Patch(Bodies.Op("replace", null, new JsonObject { ["active"] = "True" })))).AssertStatus(HttpStatusCode.OK);
        await h.WaitForAsync(() => h.SimUserByName("leaver@example.com") is { Active: true }, "reactivated");

        (await h.Bridge.DeleteAsync($"/scim/v2/Users/{id}")).AssertStatus(HttpStatusCode.NoContent);
        await h.WaitSettledAsync();
        var after = Assert.Single(h.Sim.Users());
        Assert.Equal((user.Id, false), (after.Id, after.Active));

        // Rehire: a new local user with the same userName gets the same monday user back, active.
        var rehired = (await h.Bridge.PostAsync("/scim/v2/Users", PushHarness.User("leaver@example.com", "Leaver Again"))).String("id")!;
        await h.WaitForAsync(() => h.SimUserByName("leaver@example.com") is { Active: true, DisplayName: "Leaver Again" }, "rehired");
        Assert.Single(h.Sim.Users());
        await h.WaitForStateAsync(ResourceKinds.User, rehired, s => s.MondayId == user.Id, "the rehire linked to the same monday user");
        Assert.All(await h.WaitSettledAsync(), c => Assert.Equal(PushStatuses.Pushed, c.PushStatus));
    }

    [Theory, AllDatabases]
    public async Task Delete_WithRetentionPolicy_DeactivatesThenDeletesWhenDue(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider, new()
        {
            ["Push:Deprovision"] = "DeleteAfterRetention",
            ["Push:DeleteRetention"] = "00:00:01",
        });
        h.State.DeleteBehavior = MondaySim::ScimBridge.MondaySim.DeleteBehavior.Delete;
        var id = (await h.Bridge.PostAsync("/scim/v2/Users", PushHarness.User("temp@example.com", "Temp"))).String("id")!;
        await h.WaitForAsync(() => h.SimUserByName("temp@example.com"), "created");

        (await h.Bridge.DeleteAsync($"/scim/v2/Users/{id}")).AssertStatus(HttpStatusCode.NoContent);
        await h.WaitForAsync(() => h.SimUserByName("temp@example.com") is { Active: false } ? true : (bool?)null, "deactivated first");
        await h.WaitForAsync(() => h.SimUserByName("temp@example.com") is null, "deleted after retention");
        var state = await h.WaitForStateAsync(ResourceKinds.User, id, s => s.MondayId is null, "the link dropped");
        Assert.Null(state.DeleteAt);
        var deletes = await h.Bridge.DbAsync(db => db.OutboundCalls.Where(c => c.Method == "DELETE").ToListAsync());
        Assert.Equal(204, Assert.Single(deletes).Status);
    }

    [Theory, AllDatabases]
    public async Task Groups_BecomeTeams_RenameAndMembersFollow(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider, new() { ["Monday:MemberChunkSize"] = "2" });
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await h.Bridge.PostAsync("/scim/v2/Users", PushHarness.User($"m{i}@example.com", $"Member {i}"))).String("id")!);
        }
        // Created in the same breath as its members: it waits for them if it gets there first.
        var groupId = (await h.Bridge.PostAsync("/scim/v2/Groups", Bodies.Group("Engineering", ids[0], ids[1], ids[2]))).String("id")!;
        await h.WaitSettledAsync();
        string[] MondayIds(params int[] which) => [.. which.Select(i => h.SimUserByName($"m{i}@example.com")!.Id).Order()];
        var team = h.SimGroupByName("Engineering")!;
        Assert.Equal(MondayIds(0, 1, 2), team.Members.Order());

        (await h.Bridge.PatchAsync($"/scim/v2/Groups/{groupId}", Bodies.Patch(
            Bodies.Op("replace", "displayName", "Platform Engineering"),
            Bodies.Op("add", "members", new JsonArray(new JsonObject { ["value"] = ids[3] }, new JsonObject { ["value"] = ids[4] })),
            Bodies.Op("remove", $"members[value eq \"{ids[0]}\"]", null)))).AssertStatus(HttpStatusCode.NoContent);
        await h.WaitSettledAsync();
        team = h.SimGroupByName("Platform Engineering")!;
        Assert.Equal(MondayIds(1, 2, 3, 4), team.Members.Order());
        Assert.Null(h.SimGroupByName("Engineering"));

        // Deleting a member user takes it out of the team; deleting the group deletes the team.
        (await h.Bridge.DeleteAsync($"/scim/v2/Users/{ids[1]}")).AssertStatus(HttpStatusCode.NoContent);
        await h.WaitSettledAsync();
        Assert.Equal(MondayIds(2, 3, 4), h.SimGroupByName("Platform Engineering")!.Members.Order());

        (await h.Bridge.DeleteAsync($"/scim/v2/Groups/{groupId}")).AssertStatus(HttpStatusCode.NoContent);
        var changes = await h.WaitSettledAsync();
        Assert.Empty(h.SimGroups());
        Assert.All(changes, c => Assert.Equal(PushStatuses.Pushed, c.PushStatus));
        // Members went in chunks of two.
        var memberPatches = await h.Bridge.DbAsync(db => db.OutboundCalls.Where(c => c.ResourceId == groupId && c.Method == "PATCH").CountAsync());
        Assert.True(memberPatches >= 5, $"expected chunked member PATCHes, saw {memberPatches}");
    }

    [Theory, AllDatabases]
    public async Task Group_WaitsForAMemberWhosePushIsStillFailing(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider);
        h.State.FailureRate = 1;
        var userId = (await h.Bridge.PostAsync("/scim/v2/Users", PushHarness.User("late@example.com", "Late"))).String("id")!;
        await h.WaitForAsync(() => h.State.RequestsSnapshot().Any(r => r.Status >= 500), "the user's push failing");
        var groupId = (await h.Bridge.PostAsync("/scim/v2/Groups", Bodies.Group("Waiting Team", userId))).String("id")!;
        // The group fails too while everything fails; let it through first, then the user.
        h.State.FailureRate = 0;
        await h.WaitSettledAsync(seconds: 30);
        var team = h.SimGroupByName("Waiting Team")!;
        Assert.Equal([h.SimUserByName("late@example.com")!.Id], team.Members);
        Assert.NotNull((await h.StateAsync(ResourceKinds.Group, groupId))!.MondayId);
    }

    [Theory, AllDatabases]
    public async Task Create_OfAUserAlreadyInMonday_AdoptsItInsteadOfDuplicating(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider);
        var seeded = h.State.SeedUser("existing@example.com", "Existing By Hand", "viewer");
        var id = (await h.Bridge.PostAsync("/scim/v2/Users", PushHarness.User("Existing@Example.com", "Existing Person", "Employee"))).String("id")!;
        await h.WaitSettledAsync();

        var user = Assert.Single(h.Sim.Users());
        Assert.Equal(seeded.Id, user.Id);
        Assert.Equal(("Existing Person", "member"), (user.DisplayName, user.UserType));
        Assert.Equal(seeded.Id, (await h.StateAsync(ResourceKinds.User, id))!.MondayId);

        // A replay after a lost answer (link and last-pushed state gone) adopts again: still one user.
        await h.Bridge.DbAsync(db => db.PushStates.Where(p => p.ResourceId == id).ExecuteUpdateAsync(s => s
            .SetProperty(p => p.MondayId, (string?)null).SetProperty(p => p.Pushed, (string?)null).SetProperty(p => p.PushedSeq, 0)));
        await h.WaitSettledAsync();
        Assert.Equal(seeded.Id, Assert.Single(h.Sim.Users()).Id);
        Assert.Equal(seeded.Id, (await h.StateAsync(ResourceKinds.User, id))!.MondayId);
    }

    [Theory, AllDatabases]
    public async Task AnInactiveUserNotLinked_ButInMondayByUserName_IsLinkedAndDeactivated_NotLeftActive(DatabaseProvider provider)
    {
        // What a create whose answer a crash lost leaves behind, then a deactivation: the seat must not stay active.
        await using var h = await PushHarness.StartAsync(provider);
        var seeded = h.State.SeedUser("orphan@example.com", "Orphan", "member");
        var id = (await h.Bridge.PostAsync("/scim/v2/Users", PushHarness.User("Orphan@Example.com", "Orphan", "Employee", active: false))).String("id")!;
        await h.WaitSettledAsync();

        var user = Assert.Single(h.Sim.Users());
        Assert.Equal(seeded.Id, user.Id);
        Assert.False(user.Active);
        Assert.Equal(seeded.Id, (await h.StateAsync(ResourceKinds.User, id))!.MondayId);

        // Inactive and nowhere in monday.com: still no seat created.
        await h.Bridge.PostAsync("/scim/v2/Users", PushHarness.User("nobody@example.com", "Nobody", "Employee", active: false));
        await h.WaitSettledAsync();
        Assert.Single(h.Sim.Users());
    }

    [Theory, AllDatabases]
    public async Task Scope_UsersOutOfScopeAreNotCreated_AndLeavingScopeDeactivates(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider, new() { ["Monday:Mapping:ScopeFilter"] = "title ne \"Contractor\"" });
        await h.Bridge.PostAsync("/scim/v2/Users", PushHarness.User("outside@example.com", "Outside", title: "Contractor"));
        var id = (await h.Bridge.PostAsync("/scim/v2/Users", PushHarness.User("inside@example.com", "Inside", title: "Engineer"))).String("id")!;
        var changes = await h.WaitSettledAsync();
        Assert.Null(h.SimUserByName("outside@example.com"));
        Assert.Contains(changes, c => c.PushStatus == PushStatuses.Skipped && c.PushError!.Contains("scope", StringComparison.Ordinal));

        (await h.Bridge.PatchAsync($"/scim/v2/Users/{id}", Bodies.Patch(Bodies.Op("replace", "title", "Contractor")))).AssertStatus(HttpStatusCode.OK);
        await h.WaitForAsync(() => h.SimUserByName("inside@example.com") is { Active: false }, "deactivated on leaving scope");
        (await h.Bridge.PatchAsync($"/scim/v2/Users/{id}", Bodies.Patch(Bodies.Op("replace", "title", "Engineer")))).AssertStatus(HttpStatusCode.OK);
        await h.WaitForAsync(() => h.SimUserByName("inside@example.com") is { Active: true, Title: "Engineer" }, "back in scope");
    }

    [Theory, AllDatabases]
    public async Task InactiveUser_NeverPushed_TakesNoSeat(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider);
        var id = (await h.Bridge.PostAsync("/scim/v2/Users", PushHarness.User("dormant@example.com", "Dormant", active: false))).String("id")!;
        var changes = await h.WaitSettledAsync();
        Assert.Empty(h.Sim.Users());
        Assert.Equal(PushStatuses.Skipped, Assert.Single(changes).PushStatus);

        (await h.Bridge.PatchAsync($"/scim/v2/Users/{id}", Bodies.Patch(Bodies.Op("replace", "active", true)))).AssertStatus(HttpStatusCode.OK);
        await h.WaitForAsync(() => h.SimUserByName("dormant@example.com") is { Active: true }, "created once active");
    }

    [Theory, AllDatabases]
    public async Task NoTarget_ChangesAreStoredAndStayPending(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var id = await app.CreateUserAsync("queued@example.com");
        await app.PatchAsync($"/scim/v2/Users/{id}", Bodies.Patch(Bodies.Op("replace", "title", "Queued")));

        var changes = await app.DbAsync(db => db.Changes.AsNoTracking().ToListAsync());
        Assert.Equal(2, changes.Count);
        Assert.All(changes, c => Assert.Equal(PushStatuses.Pending, c.PushStatus));
        var state = await app.DbAsync(db => db.PushStates.AsNoTracking().SingleAsync());
        Assert.Equal((2L, 0L, (string?)null), (state.ChangeSeq, state.PushedSeq, state.LeaseOwner));
    }
}
