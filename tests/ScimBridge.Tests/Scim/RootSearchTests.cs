namespace ScimBridge.Tests.Scim;

/// <summary>POST /.search at the root spans users and groups (RFC 7644 section 3.4.3).</summary>
public sealed class RootSearchTests
{
    [Theory, AllDatabases]
    public async Task RootSearch_WithAnAttributeOnlyUsersHave_ReturnsTheMatchingUsers(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var alice = await app.CreateUserAsync("alice@example.com");
        await app.CreateUserAsync("bob@example.com");
        await app.CreateGroupAsync("Admins", alice);

        var response = await app.PostAsync("/scim/v2/.search", new JsonObject
        {
            ["schemas"] = new JsonArray("urn:ietf:params:scim:api:messages:2.0:SearchRequest"),
            ["filter"] = "userName sw \"alice\"",
        });

        response.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(1, response.Object["totalResults"]!.GetValue<int>());
        Assert.Equal(alice, response.Object["Resources"]![0]!["id"]!.GetValue<string>());
    }

    [Theory, AllDatabases]
    public async Task RootSearch_WithAnAttributeNoTypeHas_IsInvalidFilter(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var response = await app.PostAsync("/scim/v2/.search", new JsonObject { ["filter"] = "shoeSize gt 40" });
        response.AssertScimError(HttpStatusCode.BadRequest, "invalidFilter");
    }

    [Theory, AllDatabases]
    public async Task RootSearch_PagesAcrossUsersThenGroups(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var alice = await app.CreateUserAsync("alice@example.com");
        var admins = await app.CreateGroupAsync("Admins");
        var staff = await app.CreateGroupAsync("Staff");

        var response = await app.PostAsync("/scim/v2/.search", new JsonObject { ["startIndex"] = 2, ["count"] = 5, ["excludedAttributes"] = new JsonArray("members", "groups") });

        response.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(3, response.Object["totalResults"]!.GetValue<int>());
        Assert.Equal(2, response.Object["itemsPerPage"]!.GetValue<int>());
        Assert.Equal([admins, staff], response.Object["Resources"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()));
        Assert.DoesNotContain(alice, response.Body, StringComparison.Ordinal);
    }
}
