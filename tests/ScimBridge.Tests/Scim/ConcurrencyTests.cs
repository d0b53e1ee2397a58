namespace ScimBridge.Tests.Scim;

/// <summary>Concurrent writers: no lost update, no duplicate user, one change row per accepted change.</summary>
public sealed class ConcurrencyTests
{
    [Theory, AllDatabases]
    public async Task ConcurrentPatches_OfOneUser_AllLand(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var id = await app.CreateUserAsync("busy@example.com");

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => app.PatchAsync($"/scim/v2/Users/{id}",
            Bodies.Patch(Bodies.Op("add", "roles", new JsonArray(new JsonObject { ["value"] = $"role-{i}" }))))));

        Assert.All(responses, r => r.AssertStatus(HttpStatusCode.OK));
        var user = await app.GetAsync($"/scim/v2/Users/{id}");
        var roles = user.Object["roles"]!.AsArray().Select(r => r!["value"]!.GetValue<string>()).Order().ToList();
        Assert.Equal(Enumerable.Range(0, 12).Select(i => $"role-{i}").Order(), roles);
        Assert.Equal("W/\"13\"", user.Object["meta"]!["version"]!.GetValue<string>());
        Assert.Equal(12, await app.DbAsync(db => Task.FromResult(db.Changes.Count(c => c.ResourceId == id && c.Operation == "Update"))));
    }

    [Theory, AllDatabases]
    public async Task ConcurrentCreates_OfOneUserName_MakeExactlyOneUser(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            app.PostAsync("/scim/v2/Users", Bodies.User(i % 2 == 0 ? "twin@example.com" : "TWIN@example.com"))));

        Assert.Single(responses, r => r.Status == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r.Status != HttpStatusCode.Created), r => r.AssertScimError(HttpStatusCode.Conflict, "uniqueness"));
        Assert.Equal(1, await app.DbAsync(db => Task.FromResult(db.Users.Count())));
        Assert.Equal(1, await app.DbAsync(db => Task.FromResult(db.Changes.Count())));
    }

    [Theory, AllDatabases]
    public async Task ConcurrentMemberAdds_ToOneGroup_AllLand(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var users = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            users.Add(await app.CreateUserAsync($"member{i}@example.com"));
        }

        var group = await app.CreateGroupAsync("Crowd");
        var responses = await Task.WhenAll(users.Select(u => app.PatchAsync($"/scim/v2/Groups/{group}",
            Bodies.Patch(Bodies.Op("add", "members", new JsonArray(new JsonObject { ["value"] = u }))))));

        Assert.All(responses, r => r.AssertStatus(HttpStatusCode.NoContent));
        var stored = await app.GetAsync($"/scim/v2/Groups/{group}");
        Assert.Equal(users.Order(), stored.Object["members"]!.AsArray().Select(m => m!["value"]!.GetValue<string>()).Order());
    }
}
