namespace ScimBridge.Tests.Scim;

/// <summary>The request sequences of Okta (PATCH with value objects) and of PUT-style clients (OneLogin, JumpCloud, HR tools).</summary>
public sealed class ClientStyleTests
{
    [Theory, AllDatabases]
    public async Task OktaSequence_CreateFindDeactivateReplace_Works(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);

        var first = await app.GetAsync("/scim/v2/Users?count=1&startIndex=1");
        first.AssertStatus(HttpStatusCode.OK);
        Assert.NotNull(first.Object["Resources"]);

        var none = await app.GetAsync("/scim/v2/Users?filter=userName%20eq%20%22okta.nobody%40example.com%22");
        Assert.Equal(0, none.Object["totalResults"]!.GetValue<int>());

        var user = new JsonObject
        {
            ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:User"),
            ["userName"] = "Okta.Runscope@example.com",
            ["name"] = new JsonObject { ["givenName"] = "Runscope", ["familyName"] = "Okta" },
            ["emails"] = new JsonArray(new JsonObject { ["primary"] = true, ["value"] = "okta.runscope@example.com", ["type"] = "work" }),
            ["displayName"] = "Runscope Okta",
            ["locale"] = "en-US",
            ["externalId"] = "00ujl29u0le5T6Aj10h7",
            ["groups"] = new JsonArray(),
            ["password"] = "1mz050nq",
            ["active"] = true,
        };
        var created = await app.PostAsync("/scim/v2/Users", user);
        created.AssertStatus(HttpStatusCode.Created);
        var id = created.String("id")!;
        Assert.False(created.Object.ContainsKey("password"));
        Assert.DoesNotContain("1mz050nq", await app.DbAsync(db => Task.FromResult(db.Users.Single().Data)), StringComparison.Ordinal);
        Assert.DoesNotContain("1mz050nq", await app.DbAsync(db => Task.FromResult(db.Changes.Single().Changes)), StringComparison.Ordinal);

        var byUpperCase = await app.GetAsync("/scim/v2/Users?filter=userName%20eq%20%22OKTA.RUNSCOPE%40EXAMPLE.COM%22");
        Assert.Equal(1, byUpperCase.Object["totalResults"]!.GetValue<int>());
        Assert.Equal(id, byUpperCase.Object["Resources"]![0]!["id"]!.GetValue<string>());

        (await app.PostAsync("/scim/v2/Users", user)).AssertScimError(HttpStatusCode.Conflict, "uniqueness");

        var deactivated = await app.PatchAsync($"/scim/v2/Users/{id}",
            Bodies.Patch(Bodies.Op("replace", null, new JsonObject { ["active"] = false })));
        deactivated.AssertStatus(HttpStatusCode.OK);
        Assert.False(deactivated.Object["active"]!.GetValue<bool>());

        user["name"]!["givenName"] = "Renamed";
        user["id"] = id;
        var replaced = await app.PutAsync($"/scim/v2/Users/{id}", user);
        replaced.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("Renamed", replaced.Object["name"]!["givenName"]!.GetValue<string>());
        Assert.True(replaced.Object["active"]!.GetValue<bool>());

        (await app.GetAsync("/scim/v2/Users/010101010101")).AssertScimError(HttpStatusCode.NotFound);
    }

    [Theory, AllDatabases]
    public async Task OktaGroupPush_RenameWithIdInValueObject_AndMemberOps_Work(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var alice = await app.CreateUserAsync("alice@example.com");
        var bob = await app.CreateUserAsync("bob@example.com");
        var group = await app.CreateGroupAsync("Engineering", alice);

        var renamed = await app.PatchAsync($"/scim/v2/Groups/{group}",
            Bodies.Patch(Bodies.Op("replace", null, new JsonObject { ["id"] = group, ["displayName"] = "Engineering EU" })));
        renamed.AssertStatus(HttpStatusCode.NoContent);

        var members = await app.PatchAsync($"/scim/v2/Groups/{group}", Bodies.Patch(
            Bodies.Op("add", "members", new JsonArray(new JsonObject { ["value"] = bob, ["display"] = "bob@example.com" })),
            Bodies.Op("remove", $"members[value eq \"{alice}\"]", null)));
        members.AssertStatus(HttpStatusCode.NoContent);

        var stored = await app.GetAsync($"/scim/v2/Groups/{group}");
        Assert.Equal("Engineering EU", stored.String("displayName"));
        Assert.Equal([bob], stored.Object["members"]!.AsArray().Select(m => m!["value"]!.GetValue<string>()));
    }

    [Theory, AllDatabases]
    public async Task PutClient_FullReplace_RemovesWhatTheBodyOmits_AndKeepsIdentity(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var full = new JsonObject
        {
            ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"),
            ["userName"] = "hr.worker@example.com",
            ["externalId"] = "E-1001",
            ["title"] = "Analyst",
            ["phoneNumbers"] = new JsonArray(new JsonObject { ["value"] = "+1 555 0100", ["type"] = "work" }),
            ["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"] = new JsonObject { ["employeeNumber"] = 1001, ["department"] = "Finance" },
        };
        var created = await app.PostAsync("/scim/v2/Users", full);
        created.AssertStatus(HttpStatusCode.Created);
        var id = created.String("id")!;
        var createdAt = created.Object["meta"]!["created"]!.GetValue<string>();

        var replacement = (JsonObject)full.DeepClone();
        replacement.Remove("phoneNumbers");
        replacement["title"] = "Senior Analyst";
        replacement["active"] = false;
        var replaced = await app.PutAsync($"/scim/v2/Users/{id}", replacement);
        replaced.AssertStatus(HttpStatusCode.OK);

        Assert.Equal(id, replaced.String("id"));
        Assert.Equal(createdAt, replaced.Object["meta"]!["created"]!.GetValue<string>());
        Assert.Equal("W/\"2\"", replaced.Object["meta"]!["version"]!.GetValue<string>());
        Assert.False(replaced.Object.ContainsKey("phoneNumbers"));
        Assert.Equal("Senior Analyst", replaced.String("title"));
        Assert.False(replaced.Object["active"]!.GetValue<bool>());
        Assert.Equal("1001", replaced.Object["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]!["employeeNumber"]!.GetValue<string>());

        var values = await app.DbAsync(db => Task.FromResult(db.UserValues.Count(v => v.UserId == id && v.Attribute == "phoneNumbers")));
        Assert.Equal(0, values);
        var byEmployee = await app.GetAsync("/scim/v2/Users?filter=urn%3Aietf%3Aparams%3Ascim%3Aschemas%3Aextension%3Aenterprise%3A2.0%3AUser%3AemployeeNumber%20eq%20%221001%22");
        Assert.Equal(1, byEmployee.Object["totalResults"]!.GetValue<int>());
    }

    [Theory, AllDatabases]
    public async Task PutClient_GroupReplace_SetsMembersExactly(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var a = await app.CreateUserAsync("a@example.com");
        var b = await app.CreateUserAsync("b@example.com");
        var c = await app.CreateUserAsync("c@example.com");
        var group = await app.CreateGroupAsync("Sales", a, b);

        var replaced = await app.PutAsync($"/scim/v2/Groups/{group}", Bodies.Group("Sales EMEA", b, c));
        replaced.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("Sales EMEA", replaced.String("displayName"));
        Assert.Equal(new[] { b, c }.Order(), replaced.Object["members"]!.AsArray().Select(m => m!["value"]!.GetValue<string>()).Order());

        var change = await app.DbAsync(db => Task.FromResult(db.Changes.Where(x => x.ResourceId == group).OrderBy(x => x.Id).ToList().Last()));
        var changes = JsonNode.Parse(change.Changes)!;
        Assert.Equal([c], changes["membersAdded"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal([a], changes["membersRemoved"]!.AsArray().Select(m => m!.GetValue<string>()));
    }
}
