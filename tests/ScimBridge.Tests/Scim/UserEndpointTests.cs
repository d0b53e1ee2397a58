using System.Net.Http.Headers;

namespace ScimBridge.Tests.Scim;

/// <summary>/Users over HTTP: status, headers and body of each call, and what the store holds afterwards.</summary>
public sealed class UserEndpointTests
{
    private const string Users = "/scim/v2/Users";
    private const string Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    [Theory, AllDatabases]
    public async Task Post_NewUser_CreatedWithLocationETagAndScimContentType(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);

        var response = await app.PostAsync(Users, Bodies.User("ada@contoso.example", "Ada Lovelace"));

        response.AssertStatus(HttpStatusCode.Created);
        Assert.Equal(ScimApp.Media, response.ContentType);
        var id = response.String("id")!;
        var meta = response.Object["meta"]!;
        Assert.Equal("User", meta["resourceType"]!.GetValue<string>());
        Assert.Equal(meta["location"]!.GetValue<string>(), response.Headers.Location!.ToString());
        Assert.True(response.Headers.Location!.IsAbsoluteUri);
        Assert.EndsWith($"/scim/v2/Users/{id}", meta["location"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(meta["version"]!.GetValue<string>(), response.Headers.ETag!.ToString());
        Assert.Equal("W/\"1\"", response.Headers.ETag!.ToString());
        Assert.NotNull(meta["created"]);
        Assert.NotNull(meta["lastModified"]);
        Assert.Equal("ada@contoso.example", response.String("userName"));

        var stored = await app.DbAsync(db => db.Users.Include(u => u.Values).SingleAsync());
        Assert.Equal(id, stored.Id);
        Assert.Equal("ada@contoso.example", stored.UserName);
        Assert.Equal("ada@contoso.example", stored.UserNameNormalized);
        Assert.Equal("Ada Lovelace", stored.DisplayName);
        Assert.True(stored.Active);
        Assert.Equal(1, stored.Version);
        var email = Assert.Single(stored.Values);
        Assert.Equal("emails", email.Attribute);
        Assert.Equal("ada@contoso.example", email.Value);
    }

    [Theory, AllDatabases]
    public async Task Post_WithApplicationJsonContentType_IsAccepted(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);

        var response = await app.SendAsync(HttpMethod.Post, Users, Bodies.User("json@contoso.example").ToJsonString(),
            r => r.Content!.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" });

        response.AssertStatus(HttpStatusCode.Created);
        Assert.Equal(ScimApp.Media, response.ContentType);
        Assert.Equal(1, await app.DbAsync(db => db.Users.CountAsync()));
    }

    [Theory, AllDatabases]
    public async Task Post_ExistingUserNameInAnotherCase_ConflictWithoutASecondRow(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var first = await app.CreateUserAsync("Grace@Contoso.example");

        var response = await app.PostAsync(Users, Bodies.User("grace@CONTOSO.EXAMPLE"));

        response.AssertScimError(HttpStatusCode.Conflict, "uniqueness");
        var ids = await app.DbAsync(db => db.Users.Select(u => u.Id).ToListAsync());
        Assert.Equal([first], ids);
        Assert.Equal(1, await app.DbAsync(db => db.Changes.CountAsync()));
    }

    [Theory, AllDatabases]
    public async Task Get_ExistingId_ReturnsTheUser(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var id = await app.CreateUserAsync("linus@contoso.example", "Linus");

        var response = await app.GetAsync($"{Users}/{id}");

        response.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(ScimApp.Media, response.ContentType);
        Assert.Equal(id, response.String("id"));
        Assert.Equal("linus@contoso.example", response.String("userName"));
        Assert.Equal("Linus", response.String("displayName"));
        Assert.True(response.Object["active"]!.GetValue<bool>());
        Assert.Equal("Given", response.Object["name"]!["givenName"]!.GetValue<string>());
        Assert.Equal(response.Object["meta"]!["version"]!.GetValue<string>(), response.Headers.ETag!.ToString());
        Assert.Contains("urn:ietf:params:scim:schemas:core:2.0:User", response.Object["schemas"]!.AsArray().Select(s => s!.GetValue<string>()));
    }

    [Theory, AllDatabases]
    public async Task Get_UnknownId_NotFoundWithStatusAsString(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);

        var response = await app.GetAsync($"{Users}/does-not-exist");

        response.AssertScimError(HttpStatusCode.NotFound);
        Assert.Equal(ScimApp.Media, response.ContentType);
        Assert.Equal("404", response.String("status"));
        Assert.False(string.IsNullOrWhiteSpace(response.String("detail")));
    }

    [Theory, AllDatabases]
    public async Task Put_ReplacesTheWholeUser_KeepsIdAndCreated_BumpsVersion(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var body = Bodies.User("put@contoso.example", "Before");
        body["title"] = "Engineer";
        body["nickName"] = "Putty";
        body[Enterprise] = new JsonObject { ["department"] = "R&D" };
        var created = await app.PostAsync(Users, body);
        created.AssertStatus(HttpStatusCode.Created);
        var id = created.String("id")!;

        var replacement = new JsonObject
        {
            ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:User"),
            ["id"] = "ignored-by-the-server",
            ["userName"] = "put@contoso.example",
            ["displayName"] = "After",
            ["active"] = true,
        };
        var response = await app.PutAsync($"{Users}/{id}", replacement);

        response.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(id, response.String("id"));
        Assert.Equal("After", response.String("displayName"));
        Assert.False(response.Object.ContainsKey("title"));
        Assert.False(response.Object.ContainsKey("nickName"));
        Assert.False(response.Object.ContainsKey("name"));
        Assert.False(response.Object.ContainsKey("emails"));
        Assert.False(response.Object.ContainsKey(Enterprise));
        Assert.Equal(created.Object["meta"]!["created"]!.GetValue<string>(), response.Object["meta"]!["created"]!.GetValue<string>());
        Assert.Equal("W/\"2\"", response.Object["meta"]!["version"]!.GetValue<string>());
        Assert.Equal("W/\"2\"", response.Headers.ETag!.ToString());

        var stored = await app.DbAsync(db => db.Users.Include(u => u.Values).SingleAsync());
        Assert.Equal(id, stored.Id);
        Assert.Equal(2, stored.Version);
        Assert.Null(stored.Title);
        Assert.Null(stored.NickName);
        Assert.Null(stored.Department);
        Assert.Null(stored.GivenName);
        Assert.Empty(stored.Values);
        Assert.DoesNotContain("Engineer", stored.Data, StringComparison.Ordinal);
        Assert.DoesNotContain("ignored-by-the-server", stored.Data, StringComparison.Ordinal);
    }

    [Theory, AllDatabases]
    public async Task Put_UnknownId_NotFoundAndNothingStored(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);

        var response = await app.PutAsync($"{Users}/no-such-user", Bodies.User("ghost@contoso.example"));

        response.AssertScimError(HttpStatusCode.NotFound);
        Assert.Equal(0, await app.DbAsync(db => db.Users.CountAsync()));
        Assert.Equal(0, await app.DbAsync(db => db.Changes.CountAsync()));
    }

    [Theory, AllDatabases]
    public async Task Patch_Title_OkWithTheResource(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var id = await app.CreateUserAsync("title@contoso.example");

        var response = await app.PatchAsync($"{Users}/{id}", Bodies.Patch(Bodies.Op("replace", "title", "Architect")));

        response.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(id, response.String("id"));
        Assert.Equal("Architect", response.String("title"));
        Assert.Equal("title@contoso.example", response.String("userName"));
        Assert.Equal("W/\"2\"", response.Headers.ETag!.ToString());
        var stored = await app.DbAsync(db => db.Users.SingleAsync());
        Assert.Equal("Architect", stored.Title);
        Assert.Equal(2, stored.Version);
    }

    [Theory, AllDatabases]
    public async Task Patch_ActiveFalse_UserIsStillReturnedByGetAndByFilters(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var id = await app.CreateUserAsync("leaver@contoso.example");
        await app.CreateUserAsync("stayer@contoso.example");

        var response = await app.PatchAsync($"{Users}/{id}", Bodies.Patch(Bodies.Op("Replace", "active", "False")));

        response.AssertStatus(HttpStatusCode.OK);
        Assert.False(response.Object["active"]!.GetValue<bool>());
        Assert.False(await app.DbAsync(db => db.Users.Where(u => u.Id == id).Select(u => u.Active).SingleAsync()));

        var get = await app.GetAsync($"{Users}/{id}");
        get.AssertStatus(HttpStatusCode.OK);
        Assert.False(get.Object["active"]!.GetValue<bool>());

        var inactive = await app.GetAsync($"{Users}?filter={Uri.EscapeDataString("active eq false")}");
        inactive.AssertStatus(HttpStatusCode.OK);
        Assert.Equal([id], Ids(inactive));

        var byName = await app.GetAsync($"{Users}?filter={Uri.EscapeDataString("userName eq \"leaver@contoso.example\"")}");
        byName.AssertStatus(HttpStatusCode.OK);
        Assert.Equal([id], Ids(byName));
        Assert.False(byName.Object["Resources"]![0]!["active"]!.GetValue<bool>());
    }

    [Theory, AllDatabases]
    public async Task Delete_ExistingUser_NoContentThenNotFound_RowsGone(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var id = await app.CreateUserAsync("gone@contoso.example");
        var other = await app.CreateUserAsync("kept@contoso.example");
        Assert.Equal(2, await app.DbAsync(db => db.UserValues.CountAsync()));

        var response = await app.DeleteAsync($"{Users}/{id}");

        response.AssertStatus(HttpStatusCode.NoContent);
        Assert.Empty(response.Body);
        (await app.GetAsync($"{Users}/{id}")).AssertScimError(HttpStatusCode.NotFound);
        (await app.DeleteAsync($"{Users}/{id}")).AssertScimError(HttpStatusCode.NotFound);
        Assert.Equal([other], await app.DbAsync(db => db.Users.Select(u => u.Id).ToListAsync()));
        Assert.Equal(0, await app.DbAsync(db => db.UserValues.CountAsync(v => v.UserId == id)));
        Assert.Equal(1, await app.DbAsync(db => db.UserValues.CountAsync(v => v.UserId == other)));
    }

    [Theory, AllDatabases]
    public async Task IfMatch_Wrong_PreconditionFailedOnPutPatchDelete_AndNothingChanges(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var id = await app.CreateUserAsync("etag@contoso.example", "Original");
        var wrong = IfMatch("W/\"7\"");

        var put = await app.SendAsync(HttpMethod.Put, $"{Users}/{id}", Bodies.User("etag@contoso.example", "Put").ToJsonString(), wrong);
        var patch = await app.SendAsync(HttpMethod.Patch, $"{Users}/{id}", Bodies.Patch(Bodies.Op("replace", "displayName", "Patched")).ToJsonString(), wrong);
        var delete = await app.SendAsync(HttpMethod.Delete, $"{Users}/{id}", null, wrong);

        put.AssertScimError(HttpStatusCode.PreconditionFailed);
        patch.AssertScimError(HttpStatusCode.PreconditionFailed);
        delete.AssertScimError(HttpStatusCode.PreconditionFailed);
        var stored = await app.DbAsync(db => db.Users.SingleAsync());
        Assert.Equal("Original", stored.DisplayName);
        Assert.Equal(1, stored.Version);
        Assert.Equal(1, await app.DbAsync(db => db.Changes.CountAsync()));
    }

    [Theory, AllDatabases]
    public async Task IfMatch_CurrentVersionOrStar_Succeeds(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var id = await app.CreateUserAsync("etag-ok@contoso.example", "Original");

        var put = await app.SendAsync(HttpMethod.Put, $"{Users}/{id}", Bodies.User("etag-ok@contoso.example", "Put").ToJsonString(), IfMatch("W/\"1\""));
        put.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("W/\"2\"", put.Headers.ETag!.ToString());

        var patch = await app.SendAsync(HttpMethod.Patch, $"{Users}/{id}",
            Bodies.Patch(Bodies.Op("replace", "displayName", "Patched")).ToJsonString(), IfMatch(put.Headers.ETag!.ToString()));
        patch.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("Patched", patch.String("displayName"));
        Assert.Equal("W/\"3\"", patch.Headers.ETag!.ToString());

        var star = await app.SendAsync(HttpMethod.Patch, $"{Users}/{id}",
            Bodies.Patch(Bodies.Op("replace", "displayName", "Starred")).ToJsonString(), IfMatch("*"));
        star.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("Starred", await app.DbAsync(db => db.Users.Select(u => u.DisplayName).SingleAsync()));

        var delete = await app.SendAsync(HttpMethod.Delete, $"{Users}/{id}", null, IfMatch("W/\"4\""));
        delete.AssertStatus(HttpStatusCode.NoContent);
        Assert.Equal(0, await app.DbAsync(db => db.Users.CountAsync()));
    }

    [Theory, AllDatabases]
    public async Task IfNoneMatch_CurrentVersion_NotModified_OldVersion_Ok(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var id = await app.CreateUserAsync("cache@contoso.example");

        var current = await app.SendAsync(HttpMethod.Get, $"{Users}/{id}", null, r => r.Headers.TryAddWithoutValidation("If-None-Match", "W/\"1\""));
        current.AssertStatus(HttpStatusCode.NotModified);
        Assert.Empty(current.Body);
        Assert.Equal("W/\"1\"", current.Headers.ETag!.ToString());

        var old = await app.SendAsync(HttpMethod.Get, $"{Users}/{id}", null, r => r.Headers.TryAddWithoutValidation("If-None-Match", "W/\"0\""));
        old.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(id, old.String("id"));
    }

    [Theory, AllDatabases]
    public async Task Attributes_OnGetListPostPutPatch_SelectAttributes_IdAlways_PasswordNever(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var body = Bodies.User("proj@contoso.example", "Projected");
        body["password"] = "s3cret!";
        body["title"] = "Lead";

        var post = await app.PostAsync($"{Users}?attributes=userName", body);
        post.AssertStatus(HttpStatusCode.Created);
        AssertOnly(post.Object, "schemas", "id", "userName");
        var id = post.String("id")!;
        Assert.DoesNotContain("s3cret!", await app.DbAsync(db => db.Users.Select(u => u.Data).SingleAsync()), StringComparison.Ordinal);

        var get = await app.GetAsync($"{Users}/{id}?attributes=displayName,name.givenName,password");
        get.AssertStatus(HttpStatusCode.OK);
        AssertOnly(get.Object, "schemas", "id", "displayName", "name");
        AssertOnly(get.Object["name"]!.AsObject(), "givenName");

        var list = await app.GetAsync($"{Users}?attributes=title&filter={Uri.EscapeDataString("userName eq \"proj@contoso.example\"")}");
        list.AssertStatus(HttpStatusCode.OK);
        AssertOnly(list.Object["Resources"]![0]!.AsObject(), "schemas", "id", "title");

        var patch = await app.PatchAsync($"{Users}/{id}?attributes=title", Bodies.Patch(Bodies.Op("replace", "title", "Principal")));
        patch.AssertStatus(HttpStatusCode.OK);
        AssertOnly(patch.Object, "schemas", "id", "title");
        Assert.Equal("Principal", patch.String("title"));

        body["title"] = "Chief";
        var put = await app.PutAsync($"{Users}/{id}?attributes=title,id", body);
        put.AssertStatus(HttpStatusCode.OK);
        AssertOnly(put.Object, "schemas", "id", "title");
        Assert.Equal("Chief", put.String("title"));

        foreach (var response in new[] { post, get, list, patch, put })
        {
            Assert.DoesNotContain("password", response.Body, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("s3cret", response.Body, StringComparison.Ordinal);
        }
    }

    [Theory, AllDatabases]
    public async Task ExcludedAttributes_OnGetListPostPutPatch_RemoveThem_ButNeverId(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var body = Bodies.User("excl@contoso.example", "Excluded");
        body["password"] = "s3cret!";

        var post = await app.PostAsync($"{Users}?excludedAttributes=emails,id", body);
        post.AssertStatus(HttpStatusCode.Created);
        Assert.False(post.Object.ContainsKey("emails"));
        Assert.True(post.Object.ContainsKey("id"));
        Assert.True(post.Object.ContainsKey("userName"));
        Assert.True(post.Object.ContainsKey("meta"));
        var id = post.String("id")!;

        var get = await app.GetAsync($"{Users}/{id}?excludedAttributes=name.givenName,displayName,meta");
        get.AssertStatus(HttpStatusCode.OK);
        Assert.False(get.Object.ContainsKey("displayName"));
        Assert.False(get.Object.ContainsKey("meta"));
        Assert.Equal(id, get.String("id"));
        AssertOnly(get.Object["name"]!.AsObject(), "familyName");

        var list = await app.GetAsync($"{Users}?excludedAttributes=name,emails");
        list.AssertStatus(HttpStatusCode.OK);
        var listed = list.Object["Resources"]![0]!.AsObject();
        Assert.False(listed.ContainsKey("name"));
        Assert.False(listed.ContainsKey("emails"));
        Assert.Equal(id, listed["id"]!.GetValue<string>());

        var patch = await app.PatchAsync($"{Users}/{id}?excludedAttributes=title", Bodies.Patch(Bodies.Op("add", "title", "Hidden")));
        patch.AssertStatus(HttpStatusCode.OK);
        Assert.False(patch.Object.ContainsKey("title"));
        Assert.Equal("Hidden", await app.DbAsync(db => db.Users.Select(u => u.Title).SingleAsync()));

        var put = await app.PutAsync($"{Users}/{id}?excludedAttributes=userName", body);
        put.AssertStatus(HttpStatusCode.OK);
        Assert.False(put.Object.ContainsKey("userName"));
        Assert.Equal(id, put.String("id"));

        foreach (var response in new[] { post, get, list, patch, put })
        {
            Assert.DoesNotContain("password", response.Body, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory, AllDatabases]
    public async Task ChangeRows_OnePerAcceptedWrite_WithOperationAndActor(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);

        var id = await app.CreateUserAsync("audit@contoso.example");
        await AssertChangesAsync(app, ("Create", id));

        (await app.PutAsync($"{Users}/{id}", Bodies.User("audit@contoso.example", "Replaced"))).AssertStatus(HttpStatusCode.OK);
        await AssertChangesAsync(app, ("Create", id), ("Update", id));

        (await app.PatchAsync($"{Users}/{id}", Bodies.Patch(Bodies.Op("replace", "title", "Auditor")))).AssertStatus(HttpStatusCode.OK);
        await AssertChangesAsync(app, ("Create", id), ("Update", id), ("Update", id));

        (await app.DeleteAsync($"{Users}/{id}")).AssertStatus(HttpStatusCode.NoContent);
        await AssertChangesAsync(app, ("Create", id), ("Update", id), ("Update", id), ("Delete", id));

        var rows = await app.DbAsync(db => db.Changes.OrderBy(c => c.Id).ToListAsync());
        Assert.All(rows, row =>
        {
            Assert.Equal("test-client", row.Actor);
            Assert.Equal("User", row.ResourceType);
            Assert.False(string.IsNullOrEmpty(row.RequestId));
        });
        var title = JsonNode.Parse(rows[2].Changes)!["attributes"]!.AsArray().Single(a => a!["path"]!.GetValue<string>() == "title")!;
        Assert.Equal("Auditor", title["new"]!.GetValue<string>());
    }

    [Theory, AllDatabases]
    public async Task ChangeRows_NoneForRejectedWritesOrANoOpPatch(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var id = await app.CreateUserAsync("quiet@contoso.example", "Quiet");
        var other = await app.CreateUserAsync("other@contoso.example");
        var before = await app.DbAsync(db => db.Changes.CountAsync());

        (await app.PostAsync(Users, Bodies.User("QUIET@contoso.example"))).AssertScimError(HttpStatusCode.Conflict, "uniqueness");
        (await app.PostAsync(Users, new JsonObject { ["displayName"] = "no userName" })).AssertScimError(HttpStatusCode.BadRequest);
        (await app.PutAsync($"{Users}/{other}", Bodies.User("quiet@contoso.example"))).AssertScimError(HttpStatusCode.Conflict, "uniqueness");
        (await app.PatchAsync($"{Users}/{other}", Bodies.Patch(Bodies.Op("replace", "userName", "Quiet@Contoso.Example")))).AssertScimError(HttpStatusCode.Conflict, "uniqueness");
        (await app.PatchAsync($"{Users}/{id}", Bodies.Patch(Bodies.Op("replace", "title", "x"), Bodies.Op("remove", null, null)))).AssertScimError(HttpStatusCode.BadRequest, "noTarget");
        (await app.PatchAsync($"{Users}/{id}", Bodies.Patch(Bodies.Op("replace", "active", "maybe")))).AssertScimError(HttpStatusCode.BadRequest, "invalidValue");
        (await app.PatchAsync($"{Users}/nobody", Bodies.Patch(Bodies.Op("replace", "title", "x")))).AssertScimError(HttpStatusCode.NotFound);
        (await app.DeleteAsync($"{Users}/nobody")).AssertScimError(HttpStatusCode.NotFound);

        var noOp = await app.PatchAsync($"{Users}/{id}", Bodies.Patch(Bodies.Op("replace", "displayName", "Quiet"), Bodies.Op("add", "active", true)));
        noOp.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("W/\"1\"", noOp.Headers.ETag!.ToString());

        Assert.Equal(before, await app.DbAsync(db => db.Changes.CountAsync()));
        var stored = await app.DbAsync(db => db.Users.SingleAsync(u => u.Id == id));
        Assert.Equal(1, stored.Version);
        Assert.Null(stored.Title);
        Assert.Equal("other@contoso.example", await app.DbAsync(db => db.Users.Where(u => u.Id == other).Select(u => u.UserName).SingleAsync()));
    }

    [Theory, AllDatabases]
    public async Task Patch_UserNameToAnotherCaseOfItself_IsAccepted(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var id = await app.CreateUserAsync("case@contoso.example");

        var response = await app.PatchAsync($"{Users}/{id}", Bodies.Patch(Bodies.Op("replace", "userName", "CASE@contoso.example")));

        response.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("CASE@contoso.example", await app.DbAsync(db => db.Users.Select(u => u.UserName).SingleAsync()));
    }

    private static async Task AssertChangesAsync(ScimApp app, params (string Operation, string Id)[] expected)
    {
        var rows = await app.DbAsync(db => db.Changes.OrderBy(c => c.Id).Select(c => new { c.Operation, c.ResourceId }).ToListAsync());
        Assert.Equal(expected.Select(e => $"{e.Operation} {e.Id}"), rows.Select(r => $"{r.Operation} {r.ResourceId}"));
    }

    private static Action<HttpRequestMessage> IfMatch(string etag) => r => r.Headers.TryAddWithoutValidation("If-Match", etag);

    private static List<string> Ids(ScimResponse list) =>
        list.Object["Resources"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()).ToList();

    private static void AssertOnly(JsonObject resource, params string[] keys) =>
        Assert.Equal(keys.Order(StringComparer.Ordinal), resource.Select(p => p.Key).Order(StringComparer.Ordinal));
}
