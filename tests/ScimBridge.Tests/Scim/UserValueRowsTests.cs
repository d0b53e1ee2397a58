namespace ScimBridge.Tests.Scim;

/// <summary>
/// Filters on multi-valued attributes (emails, phone numbers, …) run on value rows beside the user. An update reads
/// and rewrites those rows only when it changes a multi-valued attribute; these tests hold both halves of that.
/// </summary>
public sealed class UserValueRowsTests
{
    private const string Users = "/scim/v2/Users";

    [Theory, AllDatabases]
    public async Task PatchOfOneAttribute_KeepsTheValueRows_AndPatchOfEmails_ReplacesThem(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var created = await app.PostAsync(Users, new
        {
            schemas = new[] { "urn:ietf:params:scim:schemas:core:2.0:User" },
            userName = "ada@contoso.example",
            emails = new[] { new { value = "ada@contoso.example", type = "work", primary = true } },
            phoneNumbers = new[] { new { value = "+1 555 0100", type = "work" } },
        });
        created.AssertStatus(HttpStatusCode.Created);
        var id = created.String("id")!;

        (await app.PatchAsync($"{Users}/{id}", Replace("title", "Engineer"))).AssertStatus(HttpStatusCode.OK);

        Assert.Equal([id], await FindAsync(app, "emails.value eq \"ada@contoso.example\""));
        Assert.Equal([id], await FindAsync(app, "phoneNumbers.value eq \"+1 555 0100\""));
        Assert.Equal(2, await ValueRowsAsync(app, id));

        (await app.PatchAsync($"{Users}/{id}", Replace("emails", new[] { new { value = "ada.lovelace@contoso.example", type = "work", primary = true } })))
            .AssertStatus(HttpStatusCode.OK);

        Assert.Empty(await FindAsync(app, "emails.value eq \"ada@contoso.example\""));
        Assert.Equal([id], await FindAsync(app, "emails.value eq \"ada.lovelace@contoso.example\""));
        Assert.Equal([id], await FindAsync(app, "phoneNumbers.value eq \"+1 555 0100\""));
        Assert.Equal(2, await ValueRowsAsync(app, id));

        (await app.PatchAsync($"{Users}/{id}", new
        {
            schemas = new[] { "urn:ietf:params:scim:api:messages:2.0:PatchOp" },
            Operations = new object[] { new { op = "remove", path = "phoneNumbers" }, new { op = "replace", path = "title", value = "Countess" } },
        })).AssertStatus(HttpStatusCode.OK);

        Assert.Empty(await FindAsync(app, "phoneNumbers.value eq \"+1 555 0100\""));
        Assert.Equal(1, await ValueRowsAsync(app, id));
        Assert.Equal("Countess", (await app.GetAsync($"{Users}/{id}")).String("title"));
    }

    [Theory, AllDatabases]
    public async Task PutWithoutEmails_RemovesTheirRows_AndAnotherTitle_KeepsThem(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var body = new Dictionary<string, object>
        {
            ["schemas"] = new[] { "urn:ietf:params:scim:schemas:core:2.0:User" },
            ["userName"] = "bob@contoso.example",
            ["title"] = "Clerk",
            ["emails"] = new[] { new { value = "bob@contoso.example", type = "work" } },
        };
        var id = (await app.PostAsync(Users, body)).String("id")!;

        body["title"] = "Manager";
        (await app.PutAsync($"{Users}/{id}", body)).AssertStatus(HttpStatusCode.OK);
        Assert.Equal([id], await FindAsync(app, "emails.value eq \"bob@contoso.example\""));
        Assert.Equal(1, await ValueRowsAsync(app, id));

        body.Remove("emails");
        (await app.PutAsync($"{Users}/{id}", body)).AssertStatus(HttpStatusCode.OK);
        Assert.Empty(await FindAsync(app, "emails.value eq \"bob@contoso.example\""));
        Assert.Equal(0, await ValueRowsAsync(app, id));
    }

    private static object Replace(string path, object value) => new
    {
        schemas = new[] { "urn:ietf:params:scim:api:messages:2.0:PatchOp" },
        Operations = new[] { new { op = "replace", path, value } },
    };

    private static async Task<string[]> FindAsync(ScimApp app, string filter)
    {
        var page = await app.GetAsync($"{Users}?filter={Uri.EscapeDataString(filter)}&attributes=id");
        page.AssertStatus(HttpStatusCode.OK);
        return page.Object["Resources"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()).ToArray();
    }

    private static Task<int> ValueRowsAsync(ScimApp app, string id) =>
        app.DbAsync(db => db.UserValues.CountAsync(v => v.UserId == id));
}
