namespace ScimBridge.Tests.Admin;

public sealed class AdminApiAuthTests
{
    [Theory, AllDatabases]
    public async Task AdminApi_WithAdminToken_Answers(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var admin = await app.AdminAsync();

        var response = await admin.GetAsync("/admin/api/whoami");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.StartsWith("test-admin-", body["name"]!.GetValue<string>());
    }

    [Theory, AllDatabases]
    public async Task AdminApi_WithScimTokenOrNone_IsRefusedAsProblemDetails(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);

        foreach (var token in new[] { app.Token, null, "scb_nope_nope" })
        {
            using var client = app.CreateScimClient(token);
            var response = await client.GetAsync("/admin/api/whoami");
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Theory, AllDatabases]
    public async Task ScimEndpoint_WithAdminToken_IsRefused(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var admin = await app.AdminAsync();

        var response = await admin.GetAsync("/scim/v2/Users");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory, AllDatabases]
    public async Task AdminApi_UnknownRoute_IsProblemDetails404(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var admin = await app.AdminAsync();

        var response = await admin.GetAsync("/admin/api/no-such-thing");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory, AllDatabases]
    public async Task OpenApiDocument_NeedsAdmin_AndDescribesTheAdminApi(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        using var anonymous = app.CreateScimClient(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/admin/api/openapi/admin.json")).StatusCode);

        var admin = await app.AdminAsync();
        var response = await admin.GetAsync("/admin/api/openapi/admin.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.NotNull(document["paths"]!["/admin/api/whoami"]);
        Assert.Null(document["paths"]!["/scim/v2/Users"]);
    }
}
