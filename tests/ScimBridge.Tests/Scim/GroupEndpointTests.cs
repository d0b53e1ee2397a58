namespace ScimBridge.Tests.Scim;

/// <summary>/Groups over HTTP, as Entra drives it: created empty, members added and removed by PATCH, read without members.</summary>
public sealed class GroupEndpointTests
{
    private const string Groups = "/scim/v2/Groups";
    private const string GroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";
    private const string MicrosoftGroupSchema = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group";

    [Theory, AllDatabases]
    public async Task Post_WithMicrosoftsExtraSchemaUrn_Created(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var body = new JsonObject
        {
            ["schemas"] = new JsonArray(GroupSchema, MicrosoftGroupSchema),
            ["externalId"] = "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
            ["displayName"] = "Group1DisplayName",
            ["meta"] = new JsonObject { ["resourceType"] = "Group" },
        };

        var response = await app.PostAsync(Groups, body);

        response.AssertStatus(HttpStatusCode.Created);
        Assert.Equal(ScimApp.Media, response.ContentType);
        var id = response.String("id")!;
        Assert.Equal("Group1DisplayName", response.String("displayName"));
        Assert.Equal([GroupSchema], response.Object["schemas"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Equal("Group", response.Object["meta"]!["resourceType"]!.GetValue<string>());
        Assert.Equal(response.Object["meta"]!["location"]!.GetValue<string>(), response.Headers.Location!.ToString());
        Assert.Equal(response.Object["meta"]!["version"]!.GetValue<string>(), response.Headers.ETag!.ToString());
        Assert.False(response.Object.ContainsKey("members"));

        var stored = await app.DbAsync(db => db.Groups.SingleAsync());
        Assert.Equal(id, stored.Id);
        Assert.Equal("Group1DisplayName", stored.DisplayName);
        Assert.Equal("8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159", stored.ExternalId);
        Assert.Empty(await app.DbAsync(db => db.GroupMembers.ToListAsync()));
        var change = await app.DbAsync(db => db.Changes.SingleAsync());
        Assert.Equal(("Create", "Group", id, "test-client"), (change.Operation, change.ResourceType, change.ResourceId, change.Actor));
    }

    [Theory, AllDatabases]
    public async Task Post_WithMembers_StoresEachMembership(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var ada = await app.CreateUserAsync("ada@contoso.example", "Ada");
        var bob = await app.CreateUserAsync("bob@contoso.example", "Bob");

        var response = await app.PostAsync(Groups, Bodies.Group("Engineering", ada, bob));

        response.AssertStatus(HttpStatusCode.Created);
        var id = response.String("id")!;
        Assert.Equal(Sorted(ada, bob), MemberIds(response.Object).Order(StringComparer.Ordinal).ToList());
        Assert.All(response.Object["members"]!.AsArray(), m => Assert.Equal("User", m!["type"]!.GetValue<string>()));
        Assert.Equal(Sorted(ada, bob), await StoredMembersAsync(app, id));

        var get = await app.GetAsync($"{Groups}/{id}");
        var members = get.Object["members"]!.AsArray();
        Assert.Equal(Sorted(ada, bob), MemberIds(get.Object).Order(StringComparer.Ordinal).ToList());
        Assert.Contains(members, m => m!["display"]?.GetValue<string>() == "Ada");
        Assert.All(members, m => Assert.EndsWith($"/Users/{m!["value"]!.GetValue<string>()}", m["$ref"]!.GetValue<string>(), StringComparison.Ordinal));
    }

    [Theory, AllDatabases]
    public async Task Post_WithAnUnknownMemberId_BadRequestInvalidValue_NothingStored(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var ada = await app.CreateUserAsync("ada@contoso.example");

        var response = await app.PostAsync(Groups, Bodies.Group("Ghosts", ada, "no-such-user"));

        response.AssertScimError(HttpStatusCode.BadRequest, "invalidValue");
        Assert.Contains("no-such-user", response.String("detail"), StringComparison.Ordinal);
        Assert.Equal(0, await app.DbAsync(db => db.Groups.CountAsync()));
        Assert.Equal(0, await app.DbAsync(db => db.GroupMembers.CountAsync()));
        Assert.Equal(0, await app.DbAsync(db => db.Changes.CountAsync(c => c.ResourceType == "Group")));
    }

    [Theory, AllDatabases]
    public async Task Patch_AddSeveralMembers_DuplicatesIgnored_NullRefAccepted(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var (u1, u2, u3) = (await app.CreateUserAsync("u1@contoso.example"), await app.CreateUserAsync("u2@contoso.example"), await app.CreateUserAsync("u3@contoso.example"));
        var id = await app.CreateGroupAsync("Team");

        var first = await app.PatchAsync($"{Groups}/{id}", Bodies.Patch(Bodies.Op("Add", "members", Members(u1, u2, u1))));
        first.AssertStatus(HttpStatusCode.NoContent);
        Assert.Equal("W/\"2\"", first.Headers.ETag!.ToString());
        Assert.Equal(Sorted(u1, u2), await StoredMembersAsync(app, id));

        var second = await app.PatchAsync($"{Groups}/{id}", Bodies.Patch(Bodies.Op("add", "members", new JsonArray(
            new JsonObject { ["$ref"] = null, ["value"] = u2 },
            new JsonObject { ["$ref"] = null, ["value"] = u3 }))));
        second.AssertStatus(HttpStatusCode.NoContent);
        Assert.Equal(Sorted(u1, u2, u3), await StoredMembersAsync(app, id));

        var changesBefore = await app.DbAsync(db => db.Changes.CountAsync());
        var again = await app.PatchAsync($"{Groups}/{id}", Bodies.Patch(Bodies.Op("add", "members", Members(u3, u1))));
        again.AssertStatus(HttpStatusCode.NoContent);
        Assert.Equal("W/\"3\"", again.Headers.ETag!.ToString());
        Assert.Equal(changesBefore, await app.DbAsync(db => db.Changes.CountAsync()));

        var rows = await app.DbAsync(db => db.Changes.Where(c => c.ResourceType == "Group" && c.Operation == "Update").OrderBy(c => c.Id).ToListAsync());
        Assert.Equal(2, rows.Count);
        Assert.Equal(Sorted(u1, u2), Added(rows[0]));
        Assert.Equal([u3], Added(rows[1]));
    }

    [Theory, AllDatabases]
    public async Task Patch_RemoveByValueArray_RemovesOnlyThoseMembers(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var (u1, u2, u3) = (await app.CreateUserAsync("u1@contoso.example"), await app.CreateUserAsync("u2@contoso.example"), await app.CreateUserAsync("u3@contoso.example"));
        var id = await app.CreateGroupAsync("Team", u1, u2, u3);

        var response = await app.PatchAsync($"{Groups}/{id}", Bodies.Patch(Bodies.Op("Remove", "members", Members(u1, u3))));

        response.AssertStatus(HttpStatusCode.NoContent);
        Assert.Equal([u2], await StoredMembersAsync(app, id));
        var row = await app.DbAsync(db => db.Changes.Where(c => c.ResourceType == "Group").OrderBy(c => c.Id).LastAsync());
        Assert.Equal(Sorted(u1, u3), JsonNode.Parse(row.Changes)!["membersRemoved"]!.AsArray().Select(m => m!.GetValue<string>()).Order(StringComparer.Ordinal).ToList());
        Assert.Equal(3, await app.DbAsync(db => db.Users.CountAsync()));
    }

    [Theory, AllDatabases]
    public async Task Patch_RemoveByValueFilterPath_RemovesThatMember(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var (u1, u2) = (await app.CreateUserAsync("u1@contoso.example"), await app.CreateUserAsync("u2@contoso.example"));
        var id = await app.CreateGroupAsync("Team", u1, u2);

        var response = await app.PatchAsync($"{Groups}/{id}", Bodies.Patch(Bodies.Op("remove", $"members[value eq \"{u2}\"]", null)));

        response.AssertStatus(HttpStatusCode.NoContent);
        Assert.Equal([u1], await StoredMembersAsync(app, id));
    }

    [Theory, AllDatabases]
    public async Task Patch_ReplaceMembers_LeavesExactlyTheGivenOnes(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var (u1, u2, u3) = (await app.CreateUserAsync("u1@contoso.example"), await app.CreateUserAsync("u2@contoso.example"), await app.CreateUserAsync("u3@contoso.example"));
        var id = await app.CreateGroupAsync("Team", u1, u2);

        var response = await app.PatchAsync($"{Groups}/{id}", Bodies.Patch(Bodies.Op("replace", "members", Members(u2, u3))));

        response.AssertStatus(HttpStatusCode.NoContent);
        Assert.Equal(Sorted(u2, u3), await StoredMembersAsync(app, id));

        var emptied = await app.PatchAsync($"{Groups}/{id}", Bodies.Patch(Bodies.Op("remove", "members", null)));
        emptied.AssertStatus(HttpStatusCode.NoContent);
        Assert.Empty(await StoredMembersAsync(app, id));
    }

    [Theory, AllDatabases]
    public async Task Patch_DisplayName_NoContentThenGetShowsIt(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var id = await app.CreateGroupAsync("Old Name");

        var response = await app.PatchAsync($"{Groups}/{id}", Bodies.Patch(Bodies.Op("Replace", "displayName", "New Name")));

        response.AssertStatus(HttpStatusCode.NoContent);
        Assert.Empty(response.Body);
        Assert.Equal("W/\"2\"", response.Headers.ETag!.ToString());
        var get = await app.GetAsync($"{Groups}/{id}");
        Assert.Equal("New Name", get.String("displayName"));
        Assert.Equal("W/\"2\"", get.Object["meta"]!["version"]!.GetValue<string>());
        var stored = await app.DbAsync(db => db.Groups.SingleAsync());
        Assert.Equal(("New Name", "new name", 2L), (stored.DisplayName, stored.DisplayNameNormalized, stored.Version));
    }

    [Theory, AllDatabases]
    public async Task Patch_WithAttributesQuery_OkWithTheProjectedGroup(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var user = await app.CreateUserAsync("u1@contoso.example");
        var id = await app.CreateGroupAsync("Projected", user);

        var response = await app.PatchAsync($"{Groups}/{id}?attributes=displayName", Bodies.Patch(Bodies.Op("replace", "displayName", "Shown")));

        response.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(["displayName", "id", "schemas"], response.Object.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("Shown", response.String("displayName"));
        Assert.Equal(id, response.String("id"));
        Assert.Equal("W/\"2\"", response.Headers.ETag!.ToString());

        var withMembers = await app.PatchAsync($"{Groups}/{id}?excludedAttributes=displayName", Bodies.Patch(Bodies.Op("replace", "externalId", "ext")));
        withMembers.AssertStatus(HttpStatusCode.OK);
        Assert.False(withMembers.Object.ContainsKey("displayName"));
        Assert.Equal([user], MemberIds(withMembers.Object));
    }

    [Theory, AllDatabases]
    public async Task ExcludedAttributesMembers_OnGetAndList_LeavesMembersOut(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var user = await app.CreateUserAsync("u1@contoso.example");
        var id = await app.CreateGroupAsync("Quiet Group", user);

        var get = await app.GetAsync($"{Groups}/{id}?excludedAttributes=members");
        get.AssertStatus(HttpStatusCode.OK);
        Assert.False(get.Object.ContainsKey("members"));
        Assert.Equal("Quiet Group", get.String("displayName"));
        Assert.Equal(id, get.String("id"));
        Assert.NotNull(get.Object["meta"]);

        var list = await app.GetAsync($"{Groups}?excludedAttributes=members&filter={Uri.EscapeDataString("displayName eq \"Quiet Group\"")}");
        list.AssertStatus(HttpStatusCode.OK);
        var listed = Assert.Single(list.Object["Resources"]!.AsArray())!.AsObject();
        Assert.False(listed.ContainsKey("members"));
        Assert.Equal(id, listed["id"]!.GetValue<string>());

        var full = await app.GetAsync($"{Groups}/{id}");
        Assert.Equal([user], MemberIds(full.Object));
    }

    [Theory, AllDatabases]
    public async Task Filter_DisplayNameAndMembersValue_FindTheGroups(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var (u1, u2) = (await app.CreateUserAsync("u1@contoso.example"), await app.CreateUserAsync("u2@contoso.example"));
        var sales = await app.CreateGroupAsync("Sales", u1);
        var support = await app.CreateGroupAsync("Support", u1, u2);
        var empty = await app.CreateGroupAsync("Empty");

        async Task<List<string>> Find(string filter)
        {
            var response = await app.GetAsync($"{Groups}?filter={Uri.EscapeDataString(filter)}");
            response.AssertStatus(HttpStatusCode.OK);
            Assert.Equal(response.Object["Resources"]!.AsArray().Count, response.Object["totalResults"]!.GetValue<int>());
            return response.Object["Resources"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();
        }

        Assert.Equal([sales], await Find("displayName eq \"Sales\""));
        Assert.Equal([sales], await Find("displayName eq \"SALES\""));
        Assert.Equal(Sorted(sales, support), await Find("displayName sw \"s\""));
        Assert.Empty(await Find("displayName eq \"Nobody\""));
        Assert.Equal(Sorted(sales, support), await Find($"members.value eq \"{u1}\""));
        Assert.Equal([support], await Find($"members.value eq \"{u2}\""));
        Assert.Equal([support], await Find($"members[value eq \"{u2}\"]"));
        Assert.Equal([support], await Find($"displayName sw \"S\" and members.value eq \"{u2}\""));
        Assert.Equal(Sorted(sales, support), await Find("members pr"));
        Assert.Equal([empty], await Find("not (members pr)"));
        Assert.Equal([empty], await Find($"id eq \"{empty}\""));
    }

    [Theory, AllDatabases]
    public async Task User_GroupsAttribute_ListsItsGroups(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var user = await app.CreateUserAsync("member@contoso.example");
        var other = await app.CreateUserAsync("other@contoso.example");
        var group = await app.CreateGroupAsync("Readers", user);

        var get = await app.GetAsync($"/scim/v2/Users/{user}");

        var membership = Assert.Single(get.Object["groups"]!.AsArray())!;
        Assert.Equal(group, membership["value"]!.GetValue<string>());
        Assert.Equal("Readers", membership["display"]!.GetValue<string>());
        Assert.EndsWith($"/Groups/{group}", membership["$ref"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False((await app.GetAsync($"/scim/v2/Users/{other}")).Object.ContainsKey("groups"));

        var listed = await app.GetAsync($"/scim/v2/Users?filter={Uri.EscapeDataString("userName eq \"member@contoso.example\"")}");
        Assert.Equal(group, listed.Object["Resources"]![0]!["groups"]![0]!["value"]!.GetValue<string>());

        var excluded = await app.GetAsync($"/scim/v2/Users/{user}?excludedAttributes=groups");
        Assert.False(excluded.Object.ContainsKey("groups"));
    }

    [Theory, AllDatabases]
    public async Task DeleteUser_RemovesItFromItsGroups_AndWritesAGroupChangeRow(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var (leaver, stayer) = (await app.CreateUserAsync("leaver@contoso.example"), await app.CreateUserAsync("stayer@contoso.example"));
        var group = await app.CreateGroupAsync("Team", leaver, stayer);
        var untouched = await app.CreateGroupAsync("Other", stayer);

        (await app.DeleteAsync($"/scim/v2/Users/{leaver}")).AssertStatus(HttpStatusCode.NoContent);

        Assert.Equal([stayer], await StoredMembersAsync(app, group));
        Assert.Equal([stayer], await StoredMembersAsync(app, untouched));
        var get = await app.GetAsync($"{Groups}/{group}");
        Assert.Equal([stayer], MemberIds(get.Object));
        Assert.Equal("W/\"2\"", get.Headers.ETag!.ToString());
        Assert.Equal(1, await app.DbAsync(db => db.Groups.Where(g => g.Id == untouched).Select(g => g.Version).SingleAsync()));

        var groupChange = await app.DbAsync(db => db.Changes.SingleAsync(c => c.ResourceType == "Group" && c.Operation == "Update"));
        Assert.Equal(group, groupChange.ResourceId);
        Assert.Equal("test-client", groupChange.Actor);
        Assert.Equal([leaver], JsonNode.Parse(groupChange.Changes)!["membersRemoved"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal(1, await app.DbAsync(db => db.Changes.CountAsync(c => c.ResourceType == "User" && c.Operation == "Delete" && c.ResourceId == leaver)));
    }

    [Theory, AllDatabases]
    public async Task Delete_Group_NoContentThenNotFound_MembersKept(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var user = await app.CreateUserAsync("u1@contoso.example");
        var id = await app.CreateGroupAsync("Doomed", user);
        var other = await app.CreateGroupAsync("Kept", user);

        var response = await app.DeleteAsync($"{Groups}/{id}");

        response.AssertStatus(HttpStatusCode.NoContent);
        (await app.GetAsync($"{Groups}/{id}")).AssertScimError(HttpStatusCode.NotFound);
        (await app.DeleteAsync($"{Groups}/{id}")).AssertScimError(HttpStatusCode.NotFound);
        Assert.Equal([other], await app.DbAsync(db => db.Groups.Select(g => g.Id).ToListAsync()));
        Assert.Equal([other], await app.DbAsync(db => db.GroupMembers.Select(m => m.GroupId).ToListAsync()));
        Assert.Equal(1, await app.DbAsync(db => db.Users.CountAsync()));
        var change = await app.DbAsync(db => db.Changes.SingleAsync(c => c.Operation == "Delete"));
        Assert.Equal(("Group", id), (change.ResourceType, change.ResourceId));
        Assert.Equal([user], JsonNode.Parse(change.Changes)!["membersRemoved"]!.AsArray().Select(m => m!.GetValue<string>()));
        var groups = (await app.GetAsync($"/scim/v2/Users/{user}")).Object["groups"]!.AsArray();
        Assert.Equal([other], groups.Select(g => g!["value"]!.GetValue<string>()));
    }

    [Theory, AllDatabases]
    public async Task Put_ReplacesDisplayNameAndMembers(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var (u1, u2) = (await app.CreateUserAsync("u1@contoso.example"), await app.CreateUserAsync("u2@contoso.example"));
        var id = await app.CreateGroupAsync("Before", u1);

        var response = await app.PutAsync($"{Groups}/{id}", Bodies.Group("After", u2));

        response.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("After", response.String("displayName"));
        Assert.Equal([u2], MemberIds(response.Object));
        Assert.Equal([u2], await StoredMembersAsync(app, id));
        Assert.Equal("W/\"2\"", response.Headers.ETag!.ToString());
    }

    [Theory, AllDatabases]
    public async Task IfMatch_WrongOnGroupPatch_PreconditionFailed_NothingChanges(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var user = await app.CreateUserAsync("u1@contoso.example");
        var id = await app.CreateGroupAsync("Guarded");

        var response = await app.SendAsync(HttpMethod.Patch, $"{Groups}/{id}",
            Bodies.Patch(Bodies.Op("add", "members", Members(user))).ToJsonString(), r => r.Headers.TryAddWithoutValidation("If-Match", "W/\"9\""));

        response.AssertScimError(HttpStatusCode.PreconditionFailed);
        Assert.Empty(await StoredMembersAsync(app, id));
        var delete = await app.SendAsync(HttpMethod.Delete, $"{Groups}/{id}", null, r => r.Headers.TryAddWithoutValidation("If-Match", "W/\"9\""));
        delete.AssertScimError(HttpStatusCode.PreconditionFailed);
        Assert.Equal(1, await app.DbAsync(db => db.Groups.CountAsync()));
    }

    [Theory, AllDatabases]
    public async Task Patch_AddUnknownMember_BadRequest_GroupUnchanged(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var user = await app.CreateUserAsync("u1@contoso.example");
        var id = await app.CreateGroupAsync("Team", user);

        var response = await app.PatchAsync($"{Groups}/{id}", Bodies.Patch(
            Bodies.Op("replace", "displayName", "Renamed"),
            Bodies.Op("add", "members", Members("missing-user"))));

        response.AssertScimError(HttpStatusCode.BadRequest, "invalidValue");
        Assert.Equal([user], await StoredMembersAsync(app, id));
        var stored = await app.DbAsync(db => db.Groups.SingleAsync());
        Assert.Equal(("Team", 1L), (stored.DisplayName, stored.Version));
        Assert.Equal(0, await app.DbAsync(db => db.Changes.CountAsync(c => c.ResourceType == "Group" && c.Operation == "Update")));
    }

    private static JsonArray Members(params string[] ids) => new(ids.Select(id => (JsonNode)new JsonObject { ["value"] = id }).ToArray());

    private static List<string> Sorted(params string[] ids) => ids.Order(StringComparer.Ordinal).ToList();

    private static List<string> MemberIds(JsonObject group) =>
        (group["members"] as JsonArray ?? []).Select(m => m!["value"]!.GetValue<string>()).ToList();

    private static List<string> Added(ChangeRecord row) =>
        JsonNode.Parse(row.Changes)!["membersAdded"]!.AsArray().Select(m => m!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();

    private static async Task<List<string>> StoredMembersAsync(ScimApp app, string groupId) =>
        Sorted([.. await app.DbAsync(db => db.GroupMembers.Where(m => m.GroupId == groupId).Select(m => m.MemberId).ToListAsync())]);
}
