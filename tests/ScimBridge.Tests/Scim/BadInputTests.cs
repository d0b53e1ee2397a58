using System.Text;
using System.Text.Json;

namespace ScimBridge.Tests.Scim;

/// <summary>
/// Whatever a client sends, the answer is a SCIM error in the 4xx range that names the problem, never a 500,
/// and a rejected request changes nothing.
/// </summary>
public sealed partial class BadInputTests
{
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
    private const string GroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";

    /// <summary>Every endpoint that reads a body. {user} and {group} are replaced by real ids.</summary>
    private static readonly (HttpMethod Method, string Path)[] BodyEndpoints =
    [
        (HttpMethod.Post, "/scim/v2/Users"),
        (HttpMethod.Put, "/scim/v2/Users/{user}"),
        (HttpMethod.Patch, "/scim/v2/Users/{user}"),
        (HttpMethod.Post, "/scim/v2/Users/.search"),
        (HttpMethod.Post, "/scim/v2/Groups"),
        (HttpMethod.Put, "/scim/v2/Groups/{group}"),
        (HttpMethod.Patch, "/scim/v2/Groups/{group}"),
        (HttpMethod.Post, "/scim/v2/Groups/.search"),
        (HttpMethod.Post, "/scim/v2/.search"),
        (HttpMethod.Post, "/scim/Users"),
        (HttpMethod.Patch, "/scim/Groups/{group}"),
    ];

    [Theory, AllDatabases]
    public async Task MalformedJson_OnEveryEndpoint_BadRequestInvalidSyntax(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var seed = await SeedAsync(app);
        var before = await SnapshotAsync(app);
        string[] bodies =
        [
            "{",
            "}",
            "{\"userName\": }",
            "{\"userName\": \"a\",}",
            "{\"userName\": \"unterminated}",
            "{'userName': 'single quotes'}",
            "{userName: \"unquoted key\"}",
            "{\"a\": 1}}",
            "{\"a\": 1} {\"b\": 2}",
            "not json at all",
            "<xml/>",
            "{\"a\": tru}",
            "{\"a\": 01}",
            "{\"a\": NaN}",
            "{\"a\": \"\\x41\"}",
            "{/* comment */ \"a\": 1}",
            "",
            "   ",
            "\uFEFF",
            new string('[', 100) + new string(']', 100),
            "{\"a\":" + string.Concat(Enumerable.Repeat("{\"a\":", 70)) + "1" + new string('}', 71),
        ];

        var failures = new List<string>();
        foreach (var (method, template) in BodyEndpoints)
        {
            var path = seed.Path(template);
            foreach (var body in bodies)
            {
                var response = await app.SendAsync(method, path, body);
                if (!IsScimError(response, HttpStatusCode.BadRequest, "invalidSyntax"))
                {
                    failures.Add($"{method} {path} {Shorten(body)}: {(int)response.Status} {response.Body}");
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} failures:\n" + string.Join("\n", failures));
        Assert.Equal(before, await SnapshotAsync(app));
    }

    [Theory, AllDatabases]
    public async Task UnreadableOrUnstorableStrings_BadRequest_NothingStored(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var seed = await SeedAsync(app);
        var before = await SnapshotAsync(app);
        (HttpMethod Method, string Path, string Body, string ScimType)[] cases =
        [
            (HttpMethod.Post, "/scim/v2/Users", "{\"userName\":\"nul\\u0000@contoso.example\"}", "invalidValue"),
            (HttpMethod.Post, "/scim/v2/Users", "{\"userName\":\"key@contoso.example\",\"title\\u0000\":\"x\"}", "invalidValue"),
            (HttpMethod.Patch, "/scim/v2/Users/{user}", "{\"Operations\":[{\"op\":\"replace\",\"path\":\"title\",\"value\":\"a\\u0000\"}]}", "invalidValue"),
            (HttpMethod.Post, "/scim/v2/Groups", "{\"displayName\":\"\\u0000\"}", "invalidValue"),
            (HttpMethod.Patch, "/scim/v2/Groups/{group}", "{\"Operations\":[{\"op\":\"add\",\"path\":\"members\",\"value\":[{\"value\":\"x\\u0000\"}]}]}", "invalidValue"),
            (HttpMethod.Post, "/scim/v2/Users/.search", "{\"filter\":\"userName eq \\\"\\u0000\\\"\"}", "invalidValue"),
            (HttpMethod.Post, "/scim/v2/Users", "{\"userName\":\"\\ud800@contoso.example\"}", "invalidSyntax"),
            (HttpMethod.Post, "/scim/v2/Users", "{\"userName\":\"low@contoso.example\",\"\\udc00\":1}", "invalidSyntax"),
            (HttpMethod.Put, "/scim/v2/Users/{user}", "{\"userName\":\"user0@contoso.example\",\"title\":\"\\udbff\\u0041\"}", "invalidSyntax"),
            (HttpMethod.Post, "/scim/v2/Users", "{\"userName\":\"dup1@contoso.example\",\"userName\":\"dup2@contoso.example\"}", "invalidSyntax"),
            (HttpMethod.Patch, "/scim/v2/Users/{user}", "{\"Operations\":[{\"op\":\"add\",\"op\":\"remove\",\"path\":\"title\",\"value\":\"x\"}]}", "invalidSyntax"),
            (HttpMethod.Post, "/scim/v2/Groups", "{\"displayName\":\"a\",\"members\":[{\"value\":\"x\",\"value\":\"y\"}]}", "invalidSyntax"),
        ];

        var failures = new List<string>();
        foreach (var (method, template, body, scimType) in cases)
        {
            var path = seed.Path(template);
            var response = await app.SendAsync(method, path, body);
            if (!IsScimError(response, HttpStatusCode.BadRequest, scimType))
            {
                failures.Add($"{method} {path} {body}: {(int)response.Status} {response.Body}");
            }
        }

        foreach (var filter in new[] { "userName eq \"a\u0000\"", "title co \"\u0000\"" })
        {
            foreach (var resource in new[] { "Users", "Groups" })
            {
                var response = await app.GetAsync($"/scim/v2/{resource}?filter={Uri.EscapeDataString(filter)}");
                if (!IsScimError(response, HttpStatusCode.BadRequest, "invalidFilter"))
                {
                    failures.Add($"GET {resource} filter with NUL: {(int)response.Status} {response.Body}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(before, await SnapshotAsync(app));
    }

    [Theory, AllDatabases]
    public async Task NonObjectJsonBodies_OnEveryEndpoint_BadRequest(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var seed = await SeedAsync(app);
        var before = await SnapshotAsync(app);
        string[] bodies = ["[]", $"[{Bodies.User("in-array@contoso.example").ToJsonString()}]", "\"a string\"", "\"\"", "42", "-1.5e3", "true", "false", "null"];

        var failures = new List<string>();
        foreach (var (method, template) in BodyEndpoints)
        {
            var path = seed.Path(template);
            foreach (var body in bodies)
            {
                var response = await app.SendAsync(method, path, body);
                if (!IsScimError(response, HttpStatusCode.BadRequest))
                {
                    failures.Add($"{method} {path} {Shorten(body)}: {(int)response.Status} {response.Body}");
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} failures:\n" + string.Join("\n", failures));
        Assert.Equal(before, await SnapshotAsync(app));
    }

    [Theory, AllDatabases]
    public async Task WrongJsonTypes_BadRequestInvalidValue_NamingTheAttribute(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var seed = await SeedAsync(app);
        var before = await SnapshotAsync(app);

        (string Method, string Path, JsonObject Body, string Attribute)[] cases =
        [
            ("POST", "/scim/v2/Users", With(Bodies.User("t1@contoso.example"), "userName", new JsonObject { ["value"] = "x" }), "userName"),
            ("POST", "/scim/v2/Users", With(Bodies.User("t2@contoso.example"), "userName", new JsonArray("a", "b")), "userName"),
            ("POST", "/scim/v2/Users", With(Bodies.User("t3@contoso.example"), "active", "maybe"), "active"),
            ("POST", "/scim/v2/Users", With(Bodies.User("t4@contoso.example"), "active", 1), "active"),
            ("POST", "/scim/v2/Users", With(Bodies.User("t5@contoso.example"), "emails", 42), "emails"),
            ("POST", "/scim/v2/Users", With(Bodies.User("t6@contoso.example"), "emails", new JsonArray(new JsonArray("x"))), "emails"),
            ("POST", "/scim/v2/Users", With(Bodies.User("t7@contoso.example"), "name", "Ada Lovelace"), "name"),
            ("POST", "/scim/v2/Users", With(Bodies.User("t8@contoso.example"), "name", new JsonObject { ["givenName"] = new JsonObject() }), "name.givenName"),
            ("POST", "/scim/v2/Users", With(Bodies.User("t9@contoso.example"), "emails", new JsonArray(new JsonObject { ["value"] = "a@b", ["primary"] = "sometimes" })), "emails"),
            ("POST", "/scim/v2/Users", With(Bodies.User("t10@contoso.example"), "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", "sales"), "enterprise"),
            ("POST", "/scim/v2/Users", With(Bodies.User("t11@contoso.example"), "schemas", UserSchema), "schemas"),
            ("PUT", "/scim/v2/Users/{user}", With(Bodies.User("user0@contoso.example"), "active", "maybe"), "active"),
            ("PUT", "/scim/v2/Users/{user}", With(Bodies.User("user0@contoso.example"), "displayName", new JsonObject()), "displayName"),
            ("PATCH", "/scim/v2/Users/{user}", Bodies.Patch(Bodies.Op("replace", "active", "maybe")), "active"),
            ("PATCH", "/scim/v2/Users/{user}", Bodies.Patch(Bodies.Op("replace", "userName", new JsonObject())), "userName"),
            ("PATCH", "/scim/v2/Users/{user}", Bodies.Patch(Bodies.Op("add", "emails", 42)), "emails"),
            ("PATCH", "/scim/v2/Users/{user}", Bodies.Patch(Bodies.Op("replace", null, new JsonObject { ["active"] = "maybe" })), "active"),
            ("POST", "/scim/v2/Groups", With(Bodies.Group("g1"), "members", "not-a-member-id"), "members"),
            ("POST", "/scim/v2/Groups", With(Bodies.Group("g2"), "members", new JsonArray(new JsonObject { ["display"] = "no value" })), "members"),
            ("POST", "/scim/v2/Groups", With(Bodies.Group("g3"), "displayName", new JsonArray("a")), "displayName"),
            ("POST", "/scim/v2/Groups", With(Bodies.Group("g4"), "members", 7), "members"),
            ("PUT", "/scim/v2/Groups/{group}", With(Bodies.Group("g5"), "members", "not-a-member-id"), "members"),
            ("PATCH", "/scim/v2/Groups/{group}", Bodies.Patch(Bodies.Op("add", "members", "not-a-member-id")), "members"),
            ("PATCH", "/scim/v2/Groups/{group}", Bodies.Patch(Bodies.Op("replace", "displayName", new JsonObject())), "displayName"),
        ];

        var failures = new List<string>();
        foreach (var (method, template, body, attribute) in cases)
        {
            var path = seed.Path(template);
            var response = await app.SendAsync(new HttpMethod(method), path, body.ToJsonString());
            var detail = response.Json?["detail"]?.GetValue<string>() ?? "";
            if (!IsScimError(response, HttpStatusCode.BadRequest) || !detail.Contains(attribute, StringComparison.OrdinalIgnoreCase))
            {
                failures.Add($"{method} {path} ({attribute}) {Shorten(body.ToJsonString())}: {(int)response.Status} {response.Body}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Length} failed:\n" + string.Join("\n", failures));
        Assert.Equal(before, await SnapshotAsync(app));
    }

    [Theory, AllDatabases]
    public async Task UnknownAttributes_AreIgnored_CreatedWithoutThem(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var body = Bodies.User("extra@contoso.example");
        body["shoeSize"] = 44;
        body["favouriteColour"] = new JsonObject { ["value"] = "green" };
        body["name"]!["nickname"] = "not a sub-attribute";
        body["urn:example:custom:2.0:User"] = new JsonObject { ["badge"] = "B-1" };

        var response = await app.PostAsync("/scim/v2/Users", body);

        response.AssertStatus(HttpStatusCode.Created);
        Assert.False(response.Object.ContainsKey("shoeSize"));
        Assert.False(response.Object.ContainsKey("urn:example:custom:2.0:User"));
        var data = await app.DbAsync(db => db.Users.Select(u => u.Data).SingleAsync());
        foreach (var unknown in new[] { "shoeSize", "favouriteColour", "nickname", "urn:example:custom", "B-1" })
        {
            Assert.DoesNotContain(unknown, data, StringComparison.Ordinal);
        }
    }

    [Theory, AllDatabases]
    public async Task UnknownSchemaUrn_AlongsideTheCoreOne_Accepted(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var user = Bodies.User("schemas@contoso.example");
        user["schemas"] = new JsonArray(UserSchema, "urn:example:custom:2.0:User");
        var group = Bodies.Group("Schemas");
        group["schemas"] = new JsonArray("urn:example:custom:2.0:Group", GroupSchema);

        (await app.PostAsync("/scim/v2/Users", user)).AssertStatus(HttpStatusCode.Created);
        (await app.PostAsync("/scim/v2/Groups", group)).AssertStatus(HttpStatusCode.Created);

        Assert.Equal(1, await app.DbAsync(db => db.Users.CountAsync()));
        Assert.Equal(1, await app.DbAsync(db => db.Groups.CountAsync()));
    }

    [Theory, AllDatabases]
    public async Task WrongResourceType_GroupPostedToUsers_AndUserToGroups_BadRequest(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);

        var group = Bodies.Group("Not a user");
        group["userName"] = "sneaky@contoso.example";
        (await app.PostAsync("/scim/v2/Users", group)).AssertScimError(HttpStatusCode.BadRequest);
        (await app.PostAsync("/scim/v2/Groups", Bodies.User("not-a-group@contoso.example"))).AssertScimError(HttpStatusCode.BadRequest);
        (await app.PostAsync("/scim/v2/Users", Bodies.Group("No userName at all"))).AssertScimError(HttpStatusCode.BadRequest);

        Assert.Equal(0, await app.DbAsync(db => db.Users.CountAsync()));
        Assert.Equal(0, await app.DbAsync(db => db.Groups.CountAsync()));
        Assert.Equal(0, await app.DbAsync(db => db.Changes.CountAsync()));
    }

    [Theory, AllDatabases]
    public async Task MissingOrBlankRequiredAttributes_BadRequestInvalidValue(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var seed = await SeedAsync(app);
        var before = await SnapshotAsync(app);

        var noUserName = Bodies.User("x@contoso.example");
        noUserName.Remove("userName");
        var failures = new List<string>();
        foreach (var (method, path, body) in new (string, string, JsonNode)[]
        {
            ("POST", "/scim/v2/Users", noUserName),
            ("POST", "/scim/v2/Users", With(Bodies.User("x@contoso.example"), "userName", "   ")),
            ("POST", "/scim/v2/Users", With(Bodies.User("x@contoso.example"), "userName", "")),
            ("POST", "/scim/v2/Users", With(Bodies.User("x@contoso.example"), "userName", null)),
            ("POST", "/scim/v2/Users", new JsonObject()),
            ("PUT", seed.Path("/scim/v2/Users/{user}"), noUserName),
            ("PATCH", seed.Path("/scim/v2/Users/{user}"), Bodies.Patch(Bodies.Op("remove", "userName", null))),
            ("PATCH", seed.Path("/scim/v2/Users/{user}"), Bodies.Patch(Bodies.Op("replace", "userName", ""))),
            ("POST", "/scim/v2/Groups", new JsonObject { ["schemas"] = new JsonArray(GroupSchema) }),
            ("POST", "/scim/v2/Groups", Bodies.Group(" ")),
            ("PUT", seed.Path("/scim/v2/Groups/{group}"), new JsonObject()),
            ("PATCH", seed.Path("/scim/v2/Groups/{group}"), Bodies.Patch(Bodies.Op("remove", "displayName", null))),
        })
        {
            var response = await app.SendAsync(new HttpMethod(method), path, body.ToJsonString());
            if (!IsScimError(response, HttpStatusCode.BadRequest, "invalidValue"))
            {
                failures.Add($"{method} {path} {Shorten(body.ToJsonString())}: {(int)response.Status} {response.Body}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(before, await SnapshotAsync(app));
    }

    [Theory, AllDatabases]
    public async Task BodyOverTheLimit_PayloadTooLarge_WithAndWithoutContentLength(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, new() { ["Scim:MaxRequestBytes"] = "4096" });
        var seed = await SeedAsync(app);
        var before = await SnapshotAsync(app);
        var bigUser = Bodies.User("big@contoso.example", new string('b', 5000)).ToJsonString();
        var bigPatch = Bodies.Patch(Bodies.Op("replace", "displayName", new string('p', 5000))).ToJsonString();
        var bigSearch = new JsonObject { ["filter"] = string.Join(" or ", Enumerable.Repeat("userName eq \"a\"", 400)) }.ToJsonString();

        var small = await app.PostAsync("/scim/v2/Users", Bodies.User("small@contoso.example", new string('s', 3000)));
        small.AssertStatus(HttpStatusCode.Created);
        before = await SnapshotAsync(app);

        var failures = new List<string>();
        foreach (var chunked in new[] { false, true })
        {
            foreach (var (method, template, body) in new[]
            {
                (HttpMethod.Post, "/scim/v2/Users", bigUser),
                (HttpMethod.Put, "/scim/v2/Users/{user}", bigUser),
                (HttpMethod.Patch, "/scim/v2/Users/{user}", bigPatch),
                (HttpMethod.Post, "/scim/v2/Groups", bigUser),
                (HttpMethod.Patch, "/scim/v2/Groups/{group}", bigPatch),
                (HttpMethod.Post, "/scim/v2/Users/.search", bigSearch),
                (HttpMethod.Post, "/scim/v2/.search", bigSearch),
            })
            {
                var path = seed.Path(template);
                using var request = new HttpRequestMessage(method, path)
                {
                    Content = chunked ? new UnknownLengthContent(Encoding.UTF8.GetBytes(body)) : new StringContent(body, Encoding.UTF8, ScimApp.Media),
                };
                using var raw = await app.Scim.SendAsync(request);
                var response = await ScimResponse.ReadAsync(raw);
                if (!IsScimError(response, HttpStatusCode.RequestEntityTooLarge) || response.ContentType != ScimApp.Media)
                {
                    failures.Add($"{method} {path} chunked={chunked}: {(int)response.Status} {response.Body}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(before, await SnapshotAsync(app));
    }

    /// <summary>Each of these PATCH operations is refused on its own; the generated test also puts them after valid ones.</summary>
    private static readonly (string Json, string ScimType)[] InvalidUserOperations =
    [
        ("{\"op\":\"copy\",\"path\":\"title\",\"value\":\"x\"}", "invalidSyntax"),
        ("{\"op\":\"\",\"path\":\"title\",\"value\":\"x\"}", "invalidSyntax"),
        ("{\"op\":5,\"path\":\"title\",\"value\":\"x\"}", "invalidSyntax"),
        ("{\"path\":\"title\",\"value\":\"x\"}", "invalidSyntax"),
        ("{\"op\":\"add\",\"path\":\"title\"}", "invalidSyntax"),
        ("{\"op\":\"replace\",\"path\":\"title\",\"value\":null}", "invalidSyntax"),
        ("{\"op\":\"replace\",\"path\":5,\"value\":\"x\"}", "invalidSyntax"),
        ("{\"op\":\"remove\"}", "noTarget"),
        ("{\"op\":\"remove\",\"path\":\"\"}", "noTarget"),
        ("{\"op\":\"replace\",\"path\":\"shoeSize\",\"value\":\"44\"}", "invalidPath"),
        ("{\"op\":\"add\",\"path\":\"urn:example:unknown:2.0:User:badge\",\"value\":\"x\"}", "invalidPath"),
        ("{\"op\":\"replace\",\"path\":\"title.sub\",\"value\":\"x\"}", "invalidPath"),
        ("{\"op\":\"replace\",\"path\":\"name.nickname\",\"value\":\"x\"}", "invalidPath"),
        ("{\"op\":\"replace\",\"path\":\"emails[type eq \\\"work\\\"\",\"value\":\"x\"}", "invalidPath"),
        ("{\"op\":\"replace\",\"path\":\"emails[type eq \\\"work\\\"].nope\",\"value\":\"x\"}", "invalidPath"),
        ("{\"op\":\"replace\",\"path\":\"title[value eq \\\"x\\\"]\",\"value\":\"x\"}", "invalidPath"),
        ("{\"op\":\"replace\",\"path\":\"emails[]\",\"value\":\"x\"}", "invalidPath"),
        ("{\"op\":\"replace\",\"path\":\"123\",\"value\":\"x\"}", "invalidPath"),
        ("{\"op\":\"replace\",\"path\":\"id\",\"value\":\"another-id\"}", "mutability"),
        ("{\"op\":\"remove\",\"path\":\"id\"}", "mutability"),
        ("{\"op\":\"replace\",\"path\":\"meta.created\",\"value\":\"2020-01-01T00:00:00Z\"}", "mutability"),
        ("{\"op\":\"replace\",\"path\":\"meta\",\"value\":{\"version\":\"W/\\\"9\\\"\"}}", "mutability"),
        ("{\"op\":\"add\",\"path\":\"groups\",\"value\":[{\"value\":\"x\"}]}", "mutability"),
        ("{\"op\":\"replace\",\"value\":{\"id\":\"another-id\"}}", "mutability"),
        ("{\"op\":\"replace\",\"path\":\"active\",\"value\":\"maybe\"}", "invalidValue"),
        ("{\"op\":\"replace\",\"path\":\"userName\",\"value\":{\"a\":1}}", "invalidValue"),
        ("{\"op\":\"replace\",\"path\":\"userName\",\"value\":\"\"}", "invalidValue"),
        ("{\"op\":\"remove\",\"path\":\"userName\"}", "invalidValue"),
        ("{\"op\":\"add\",\"path\":\"name\",\"value\":\"Ada\"}", "invalidValue"),
        ("{\"op\":\"replace\",\"value\":\"not an object\"}", "invalidValue"),
        ("{\"op\":\"replace\",\"value\":[1,2]}", "invalidValue"),
        ("{\"op\":\"replace\",\"path\":\"emails[type eq \\\"nowhere\\\"]\",\"value\":{\"value\":\"x@y\"}}", "noTarget"),
        ("{\"op\":\"replace\",\"path\":\"emails[type eq \\\"work\\\"]\",\"value\":\"not an object\"}", "invalidValue"),
        ("{\"op\":\"replace\",\"path\":\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\",\"value\":\"sales\"}", "invalidValue"),
        ("{\"op\":\"replace\",\"path\":\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager\",\"value\":{\"value\":{}}}", "invalidValue"),
    ];

    private static readonly (string Json, string ScimType)[] InvalidGroupOperations =
    [
        ("{\"op\":\"move\",\"path\":\"members\",\"value\":[]}", "invalidSyntax"),
        ("{\"op\":\"remove\"}", "noTarget"),
        ("{\"op\":\"add\",\"path\":\"members\"}", "invalidSyntax"),
        ("{\"op\":\"add\",\"path\":\"owners\",\"value\":[{\"value\":\"x\"}]}", "invalidPath"),
        ("{\"op\":\"replace\",\"path\":\"members[value eq \\\"x\\\"\",\"value\":{}}", "invalidPath"),
        ("{\"op\":\"add\",\"path\":\"members\",\"value\":[{\"value\":\"no-such-user\"}]}", "invalidValue"),
        ("{\"op\":\"add\",\"path\":\"members\",\"value\":[{\"value\":\"{group}\"}]}", "invalidValue"),
        ("{\"op\":\"replace\",\"path\":\"members\",\"value\":\"no-such-user\"}", "invalidValue"),
        ("{\"op\":\"add\",\"path\":\"members\",\"value\":[{\"display\":\"no value\"}]}", "invalidValue"),
        ("{\"op\":\"replace\",\"path\":\"members.value\",\"value\":\"x\"}", "mutability"),
        ("{\"op\":\"replace\",\"path\":\"members[value eq \\\"{user}\\\"].display\",\"value\":\"x\"}", "mutability"),
        ("{\"op\":\"replace\",\"path\":\"id\",\"value\":\"another-id\"}", "mutability"),
        ("{\"op\":\"replace\",\"path\":\"displayName\",\"value\":\"\"}", "invalidValue"),
        ("{\"op\":\"remove\",\"path\":\"displayName\"}", "invalidValue"),
        ("{\"op\":\"replace\",\"path\":\"displayName\",\"value\":[\"a\"]}", "invalidValue"),
        ("{\"op\":\"replace\",\"value\":{\"displayName\":{}}}", "invalidValue"),
    ];

    [Theory, AllDatabases]
    public async Task Patch_InvalidOperations_BadRequestWithTheirScimType(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var seed = await SeedAsync(app);
        var before = await SnapshotAsync(app);

        var failures = new List<string>();
        foreach (var (resource, operations) in new[] { ("/scim/v2/Users/{user}", InvalidUserOperations), ("/scim/v2/Groups/{group}", InvalidGroupOperations) })
        {
            foreach (var (json, scimType) in operations)
            {
                var operation = seed.Path(json);
                foreach (var body in new[]
                {
                    $"{{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[{operation}]}}",
                    $"{{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[{ValidOperation(resource, seed)},{operation}]}}",
                })
                {
                    var response = await app.SendAsync(HttpMethod.Patch, seed.Path(resource), body);
                    if (!IsScimError(response, HttpStatusCode.BadRequest, scimType))
                    {
                        failures.Add($"{resource} {operation} (expected {scimType}): {(int)response.Status} {response.Body}");
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} failures:\n" + string.Join("\n", failures));
        Assert.Equal(before, await SnapshotAsync(app));
    }

    [Theory, AllDatabases]
    public async Task Patch_MalformedEnvelope_BadRequest(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var seed = await SeedAsync(app);
        var before = await SnapshotAsync(app);
        const string op = "{\"op\":\"replace\",\"path\":\"displayName\",\"value\":\"x\"}";
        (string Body, string ScimType)[] bodies =
        [
            ("{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"]}", "invalidSyntax"),
            ("{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[]}", "invalidSyntax"),
            ("{\"Operations\":{}}", "invalidSyntax"),
            ("{\"Operations\":\"replace\"}", "invalidSyntax"),
            ("{\"Operations\":[null]}", "invalidSyntax"),
            ("{\"Operations\":[\"replace\"]}", "invalidSyntax"),
            ("{\"Operations\":[[]]}", "invalidSyntax"),
            ($"{{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"Operations\":[{op}]}}", "invalidValue"),
            ($"{{\"schemas\":{{}},\"Operations\":[{op}]}}", "invalidSyntax"),
            ($"{{\"schemas\":[1],\"Operations\":[{op}]}}", "invalidSyntax"),
            ($"{{\"Operations\":[{string.Join(",", Enumerable.Repeat(op, 1001))}]}}", "invalidValue"),
        ];

        var failures = new List<string>();
        foreach (var path in new[] { seed.Path("/scim/v2/Users/{user}"), seed.Path("/scim/v2/Groups/{group}") })
        {
            foreach (var (body, scimType) in bodies)
            {
                var response = await app.SendAsync(HttpMethod.Patch, path, body);
                if (!IsScimError(response, HttpStatusCode.BadRequest, scimType))
                {
                    failures.Add($"{path} {Shorten(body)}: {(int)response.Status} {response.Body}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(before, await SnapshotAsync(app));
    }

    [Theory, AllDatabases]
    public async Task ListParameters_NotIntegers_BadRequest(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await SeedAsync(app);

        var failures = new List<string>();
        foreach (var resource in new[] { "/scim/v2/Users", "/scim/v2/Groups" })
        {
            foreach (var query in new[] { "startIndex=abc", "count=abc", "startIndex=1.5", "count=1e3", "startIndex=0x10", "count=%E2%91%A0", "startIndex=1%2C2" })
            {
                var response = await app.GetAsync($"{resource}?{query}");
                if (!IsScimError(response, HttpStatusCode.BadRequest))
                {
                    failures.Add($"{resource}?{query}: {(int)response.Status} {response.Body}");
                }
            }

            foreach (var body in new[] { "{\"startIndex\":\"abc\"}", "{\"count\":{}}", "{\"count\":1.5}", "{\"filter\":5}", "{\"attributes\":[1]}", "{\"sortOrder\":\"up\"}" })
            {
                var response = await app.SendAsync(HttpMethod.Post, $"{resource}/.search", body);
                if (!IsScimError(response, HttpStatusCode.BadRequest))
                {
                    failures.Add($"POST {resource}/.search {body}: {(int)response.Status} {response.Body}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Theory, AllDatabases]
    public async Task GeneratedMalformedRequests_NeverAServerError_AndTheStoreIsUnchanged(DatabaseProvider provider)
    {
        const int Seed = 7644;
        await using var app = await ScimApp.StartAsync(provider);
        var seed = await SeedAsync(app);
        var before = await SnapshotAsync(app);
        var requests = new MalformedRequestGenerator(new Random(Seed), seed).Generate();
        Assert.True(requests.Count >= 3000, $"only {requests.Count} requests were generated");

        var serverErrors = new List<string>();
        var acceptedWrites = new List<string>();
        foreach (var request in requests)
        {
            using var message = new HttpRequestMessage(request.Method, request.Path);
            if (request.Body is not null)
            {
                message.Content = new ByteArrayContent(request.Body);
                message.Content.Headers.ContentType = new(ScimApp.Media);
            }

            using var raw = await app.Scim.SendAsync(message);
            var status = (int)raw.StatusCode;
            if (status >= 500)
            {
                serverErrors.Add($"{status} for {request}: {Shorten(await raw.Content.ReadAsStringAsync(), 300)}");
            }
            else if (request.Method != HttpMethod.Get && !request.Path.Contains(".search", StringComparison.Ordinal) && status < 300)
            {
                acceptedWrites.Add($"{status} for {request}");
            }
        }

        Assert.True(serverErrors.Count == 0,
            $"{serverErrors.Count} of {requests.Count} generated requests (seed {Seed}) got a server error; the first ones:\n" + string.Join("\n", serverErrors.Take(8)));
        Assert.True(acceptedWrites.Count == 0,
            $"{acceptedWrites.Count} generated writes (meant to be invalid) were accepted; the first ones:\n" + string.Join("\n", acceptedWrites.Take(8)));
        Assert.Equal(before, await SnapshotAsync(app));
    }

    private static string ValidOperation(string resource, SeedData seed) => resource.Contains("Users", StringComparison.Ordinal)
        ? "{\"op\":\"replace\",\"path\":\"title\",\"value\":\"Changed\"}"
        : $"{{\"op\":\"add\",\"path\":\"members\",\"value\":[{{\"value\":\"{seed.Users[2]}\"}}]}}";

    private static bool IsScimError(ScimResponse response, HttpStatusCode status, string? scimType = null) =>
        response.Status == status
        && response.Json is JsonObject body
        && body["schemas"]?[0]?.GetValue<string>() == "urn:ietf:params:scim:api:messages:2.0:Error"
        && body["status"]?.GetValue<string>() == ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture)
        && (scimType is null || body["scimType"]?.GetValue<string>() == scimType);

    private static JsonObject With(JsonObject body, string key, JsonNode? value)
    {
        body[key] = value;
        return body;
    }

    private static string Shorten(string text, int length = 80) => text.Length <= length ? text : text[..(length - 3)] + "...";

    /// <summary>Three users (the third in no group) and two groups; the data every test here starts from.</summary>
    private static async Task<SeedData> SeedAsync(ScimApp app)
    {
        var users = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var body = Bodies.User($"user{i}@contoso.example", $"User {i}");
            body["title"] = "Engineer";
            body["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"] = new JsonObject
            {
                ["employeeNumber"] = $"{1000 + i}",
                ["manager"] = users.Count > 0 ? new JsonObject { ["value"] = users[0] } : null,
            };
            var response = await app.PostAsync("/scim/v2/Users", body);
            response.AssertStatus(HttpStatusCode.Created);
            users.Add(response.String("id")!);
        }

        var groups = new List<string>
        {
            await app.CreateGroupAsync("Readers", users[0], users[1]),
            await app.CreateGroupAsync("Writers", users[1]),
        };
        return new SeedData(users, groups);
    }

    /// <summary>Everything a rejected request must leave alone, as one comparable string.</summary>
    private static Task<string> SnapshotAsync(ScimApp app) => app.DbAsync(async db =>
    {
        var users = await db.Users.AsNoTracking().OrderBy(u => u.Id)
            .Select(u => new { u.Id, u.UserName, u.Data, u.Version, u.LastModified, u.Active, u.Title, u.DisplayName, u.ManagerId }).ToListAsync();
        var values = await db.UserValues.AsNoTracking().OrderBy(v => v.Id).Select(v => new { v.UserId, v.Attribute, v.Type, v.Value, v.Primary }).ToListAsync();
        var groups = await db.Groups.AsNoTracking().OrderBy(g => g.Id).Select(g => new { g.Id, g.DisplayName, g.Data, g.Version, g.LastModified }).ToListAsync();
        var members = await db.GroupMembers.AsNoTracking().OrderBy(m => m.GroupId).ThenBy(m => m.MemberId).Select(m => new { m.GroupId, m.MemberId, m.MemberType }).ToListAsync();
        var changes = await db.Changes.AsNoTracking().OrderBy(c => c.Id).Select(c => new { c.Id, c.Operation, c.ResourceType, c.ResourceId, c.Changes }).ToListAsync();
        return JsonSerializer.Serialize(new { users, values, groups, members, changes });
    });

    internal sealed record SeedData(List<string> Users, List<string> Groups)
    {
        public string Path(string template) => template
            .Replace("{user}", Users[0], StringComparison.Ordinal)
            .Replace("{group}", Groups[0], StringComparison.Ordinal);
    }

    /// <summary>A body whose length is not known in advance, so it is sent chunked, without Content-Length.</summary>
    private sealed class UnknownLengthContent : HttpContent
    {
        private readonly byte[] _bytes;

        public UnknownLengthContent(byte[] bytes)
        {
            _bytes = bytes;
            Headers.ContentType = new(ScimApp.Media);
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var offset = 0; offset < _bytes.Length; offset += 1000)
            {
                await stream.WriteAsync(_bytes.AsMemory(offset, Math.Min(1000, _bytes.Length - offset)));
                await stream.FlushAsync();
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }

    internal sealed record GeneratedRequest(HttpMethod Method, string Path, byte[]? Body, string Kind)
    {
        public override string ToString() =>
            $"[{Kind}] {Method} {Shorten(Path, 200)}{(Body is null ? "" : " " + Shorten(Encoding.UTF8.GetString(Body), 200))}";
    }

    /// <summary>
    /// Requests that are all invalid (so none may change the store): broken JSON, strings no database can hold, wrong top-level types, PATCH
    /// operations that must be refused (after valid ones, so atomicity is tested too), random and mutated filters,
    /// unknown ids, and garbage list parameters. Deterministic for a given seed.
    /// </summary>
    private sealed partial class MalformedRequestGenerator(Random random, SeedData seed)
    {
        private const string PatchSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

        private static readonly string[] FilterWords =
        [
            "userName", "displayName", "title", "active", "externalId", "id", "emails", "emails.value", "emails.type", "members", "members.value",
            "name.givenName", "meta.lastModified", "meta.created", "manager", "manager.value", "employeeNumber", "password", "groups", "addresses.locality",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber", "urn:ietf:params:scim:schemas:core:2.0:User:userName",
            "eq", "ne", "co", "sw", "ew", "pr", "gt", "ge", "lt", "le", "and", "or", "not", "EQ", "Or", "nOt",
            "\"x\"", "\"user0@contoso.example\"", "\"\"", "\"2024-01-01T00:00:00Z\"", "\"not a date\"", "true", "false", "null", "\"True\"", "42", "-1.5e10",
            "99999999999999999999999999999999", "(", ")", "[", "]", "[type eq \"work\"]", ".", ",", "\\", "\"", "'", "$ref", "%", "*", "\u00e9", "\u4e2d", "\ud83d\ude00", "\t", "\u0000", "\u007f",
        ];

        private static readonly string[] ValidFilters =
        [
            "userName eq \"user0@contoso.example\"",
            "emails[type eq \"work\" and value co \"@contoso\"]",
            "title eq \"Engineer\" and not (active eq false) or displayName sw \"User\"",
            "meta.lastModified gt \"2024-01-01T00:00:00Z\"",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber ge \"1001\"",
            "manager.value pr",
            "displayName eq \"Readers\" and members.value eq \"x\"",
            "members[value eq \"x\" or type eq \"User\"]",
        ];

        private readonly List<GeneratedRequest> _requests = [];

        public List<GeneratedRequest> Generate()
        {
            MutatedBodies(1000);
            UnreadableStrings(200);
            WrongTopLevelTypes();
            InvalidPatches(700);
            Filters(700);
            UnknownIds(300);
            GarbageListParameters(400);
            return _requests;
        }

        private string User => seed.Users[random.Next(seed.Users.Count)];

        private string Group => seed.Groups[random.Next(seed.Groups.Count)];

        private (HttpMethod Method, string Path, string Body) ValidWrite()
        {
            var user = Bodies.User($"fresh{random.Next(1000)}@contoso.example", "Fresh User");
            user["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"] = new JsonObject { ["employeeNumber"] = "77", ["manager"] = new JsonObject { ["value"] = User } };
            var group = Bodies.Group("Fresh Group", seed.Users[2]);
            var userPatch = Bodies.Patch(Bodies.Op("replace", "title", "Mutated"), Bodies.Op("add", "emails[type eq \"home\"].value", "h@contoso.example"));
            var groupPatch = Bodies.Patch(Bodies.Op("add", "members", new JsonArray(new JsonObject { ["value"] = seed.Users[2] })), Bodies.Op("replace", "displayName", "Renamed"));
            return random.Next(6) switch
            {
                0 => (HttpMethod.Post, "/scim/v2/Users", user.ToJsonString()),
                1 => (HttpMethod.Put, $"/scim/v2/Users/{User}", user.ToJsonString()),
                2 => (HttpMethod.Patch, $"/scim/v2/Users/{User}", userPatch.ToJsonString()),
                3 => (HttpMethod.Post, "/scim/v2/Groups", group.ToJsonString()),
                4 => (HttpMethod.Put, $"/scim/v2/Groups/{Group}", group.ToJsonString()),
                _ => (HttpMethod.Patch, $"/scim/v2/Groups/{Group}", groupPatch.ToJsonString()),
            };
        }

        /// <summary>Truncated and byte-mutated JSON; only bodies that really fail to parse are kept.</summary>
        private void MutatedBodies(int count)
        {
            var produced = 0;
            while (produced < count)
            {
                var (method, path, body) = ValidWrite();
                var bytes = Encoding.UTF8.GetBytes(body);
                var mutated = random.Next(3) == 0 ? bytes[..random.Next(bytes.Length)] : Mutate(bytes);
                if (!IsInvalidJson(mutated))
                {
                    continue;
                }

                _requests.Add(new GeneratedRequest(method, path, mutated, "mutated JSON"));
                produced++;
            }
        }

        /// <summary>Valid JSON the server must still refuse: a NUL or a lone surrogate in a string or key, or a duplicated key.</summary>
        private void UnreadableStrings(int count)
        {
            for (var i = 0; i < count; i++)
            {
                var (method, path, body) = ValidWrite();
                string mutated;
                if (random.Next(3) == 0)
                {
                    mutated = "{\"schemas\":[\"urn:example:dup\"]," + body[1..];
                }
                else
                {
                    var strings = JsonStringToken().Matches(body);
                    var at = strings[random.Next(strings.Count)].Index + 1;
                    string[] poison = ["\\u0000", "\\ud800", "\\udfff", "\\ud83d\\u0041"];
                    mutated = body.Insert(at, poison[random.Next(poison.Length)]);
                }

                _requests.Add(new GeneratedRequest(method, path, Encoding.UTF8.GetBytes(mutated), "unreadable string"));
            }
        }

        private byte[] Mutate(byte[] original)
        {
            var bytes = original.ToList();
            for (var i = 0; i < 1 + random.Next(3); i++)
            {
                var at = random.Next(bytes.Count);
                switch (random.Next(6))
                {
                    case 0:
                        bytes[at] = (byte)random.Next(256);
                        break;
                    case 1:
                        var noise = "{}[]\":,\\ \u0000"u8;
                        bytes.Insert(at, noise[random.Next(noise.Length)]);
                        break;
                    case 2:
                        bytes.RemoveAt(at);
                        break;
                    case 3:
                        bytes.InsertRange(at, bytes.Skip(random.Next(bytes.Count)).Take(random.Next(1, 20)).ToList());
                        break;
                    case 4:
                        bytes[at] = (byte)(bytes[at] ^ (1 << random.Next(8)));
                        break;
                    default:
                        var to = random.Next(bytes.Count);
                        (bytes[at], bytes[to]) = (bytes[to], bytes[at]);
                        break;
                }

                if (bytes.Count == 0)
                {
                    bytes.Add((byte)'{');
                }
            }

            return [.. bytes];
        }

        private static bool IsInvalidJson(byte[] bytes)
        {
            try
            {
                using var document = JsonDocument.Parse(bytes);
                return false;
            }
            catch (JsonException)
            {
                return true;
            }
        }

        private void WrongTopLevelTypes()
        {
            string[] bodies = ["[]", "[{}]", "[{\"userName\":\"a@b\"}]", "\"text\"", "\"\"", "0", "-7.25e-3", "true", "false", "null", " null ", "[null]", "[[[]]]"];
            string[] paths =
            [
                "POST /scim/v2/Users", "PUT /scim/v2/Users/{user}", "PATCH /scim/v2/Users/{user}", "POST /scim/v2/Groups",
                "PUT /scim/v2/Groups/{group}", "PATCH /scim/v2/Groups/{group}", "POST /scim/Users", "PATCH /scim/Groups/{group}",
                "POST /scim/v2/Users/.search", "POST /scim/v2/Groups/.search", "POST /scim/v2/.search",
            ];
            for (var round = 0; round < 2; round++)
            {
                foreach (var target in paths)
                {
                    foreach (var body in bodies)
                    {
                        var (method, path) = Split(target);
                        path = Resolve(path);
                        _requests.Add(new GeneratedRequest(method, path, Encoding.UTF8.GetBytes(body), "wrong top-level type"));
                    }
                }
            }
        }

        /// <summary>Zero to two valid operations and one invalid one, in random order: the whole PATCH must be refused.</summary>
        private void InvalidPatches(int count)
        {
            for (var i = 0; i < count; i++)
            {
                var onUser = random.Next(2) == 0;
                var id = onUser ? User : Group;
                var invalid = onUser
                    ? InvalidUserOperations[random.Next(InvalidUserOperations.Length)].Json
                    : InvalidGroupOperations[random.Next(InvalidGroupOperations.Length)].Json;
                invalid = invalid.Replace("{group}", id, StringComparison.Ordinal).Replace("{user}", seed.Users[1], StringComparison.Ordinal);
                var operations = new List<string>();
                for (var v = 0; v < random.Next(3); v++)
                {
                    operations.Add(onUser ? ValidUserOperation() : ValidGroupOperation());
                }

                // Emptying a required attribute is only invalid if no later operation sets it again: those go last.
                var emptiesRequired = invalid.Contains("\"path\":\"displayName\"", StringComparison.Ordinal)
                    || invalid.Contains("\"path\":\"userName\"", StringComparison.Ordinal);
                operations.Insert(emptiesRequired ? operations.Count : random.Next(operations.Count + 1), invalid);
                var schemas = random.Next(4) == 0 ? "" : $"\"schemas\":[\"{PatchSchema}\"],";
                var key = random.Next(5) == 0 ? "operations" : "Operations";
                var body = $"{{{schemas}\"{key}\":[{string.Join(",", operations)}]}}";
                var prefix = random.Next(4) == 0 ? "/scim" : "/scim/v2";
                _requests.Add(new GeneratedRequest(HttpMethod.Patch, $"{prefix}/{(onUser ? "Users" : "Groups")}/{id}", Encoding.UTF8.GetBytes(body), "invalid PATCH"));
            }
        }

        private string ValidUserOperation() => random.Next(6) switch
        {
            0 => "{\"op\":\"replace\",\"path\":\"title\",\"value\":\"Changed\"}",
            1 => "{\"op\":\"Add\",\"path\":\"nickName\",\"value\":\"Nick\"}",
            2 => "{\"op\":\"replace\",\"path\":\"active\",\"value\":\"False\"}",
            3 => "{\"op\":\"add\",\"path\":\"emails[type eq \\\"home\\\"].value\",\"value\":\"home@contoso.example\"}",
            4 => "{\"op\":\"replace\",\"value\":{\"name.givenName\":\"Changed\",\"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber\":\"9\"}}",
            _ => "{\"op\":\"remove\",\"path\":\"title\"}",
        };

        private string ValidGroupOperation() => random.Next(4) switch
        {
            0 => "{\"op\":\"replace\",\"path\":\"displayName\",\"value\":\"Changed\"}",
            1 => $"{{\"op\":\"add\",\"path\":\"members\",\"value\":[{{\"value\":\"{seed.Users[2]}\"}}]}}",
            2 => $"{{\"op\":\"remove\",\"path\":\"members[value eq \\\"{seed.Users[1]}\\\"]\"}}",
            _ => "{\"op\":\"replace\",\"path\":\"externalId\",\"value\":\"changed\"}",
        };

        private void Filters(int count)
        {
            for (var i = 0; i < count; i++)
            {
                var filter = random.Next(2) == 0 ? RandomFilter() : MutateText(ValidFilters[random.Next(ValidFilters.Length)]);
                var resource = random.Next(2) == 0 ? "Users" : "Groups";
                if (random.Next(5) == 0)
                {
                    var body = new JsonObject { ["filter"] = filter, ["count"] = random.Next(-2, 5) }.ToJsonString();
                    _requests.Add(new GeneratedRequest(HttpMethod.Post, $"/scim/v2/{resource}/.search", Encoding.UTF8.GetBytes(body), "random filter (search)"));
                }
                else
                {
                    _requests.Add(new GeneratedRequest(HttpMethod.Get, $"/scim/v2/{resource}?filter={Uri.EscapeDataString(filter)}", null, "random filter"));
                }
            }
        }

        private string RandomFilter()
        {
            var parts = new List<string>();
            for (var i = 0; i < 1 + random.Next(12); i++)
            {
                parts.Add(FilterWords[random.Next(FilterWords.Length)]);
            }

            return string.Join(random.Next(4) == 0 ? "" : " ", parts);
        }

        private string MutateText(string text)
        {
            var chars = text.ToList();
            for (var i = 0; i < 1 + random.Next(3); i++)
            {
                var at = random.Next(chars.Count);
                switch (random.Next(4))
                {
                    case 0:
                        chars.RemoveAt(at);
                        break;
                    case 1:
                        const string Noise = "()[]\" \\.:,'\u0000\u00e9";
                        chars.Insert(at, Noise[random.Next(Noise.Length)]);
                        break;
                    case 2:
                        chars[at] = (char)random.Next(32, 127);
                        break;
                    default:
                        chars.InsertRange(at, chars.Skip(random.Next(chars.Count)).Take(random.Next(1, 15)).ToList());
                        break;
                }

                if (chars.Count == 0)
                {
                    chars.Add('(');
                }
            }

            return new string([.. chars]);
        }

        /// <summary>
        /// GET, PUT, PATCH and DELETE on ids nobody has, with otherwise valid bodies. (No NUL in paths: Kestrel refuses
        /// those with 400 before the application sees them, and the test server throws.)
        /// </summary>
        private void UnknownIds(int count)
        {
            string[] oddIds =
            [
                "does-not-exist", "0", "-1", "null", "undefined", "%", " ", "..%2F..", "%2e%2e", "\u00e9t\u00e9", "\ud83d\ude00",
                new string('f', 32), new string('a', 2000), "' OR 1=1 --", "\"; DROP TABLE Users; --", "{id}", "$ref", "*",
            ];
            var known = seed.Users.Concat(seed.Groups).ToHashSet(StringComparer.Ordinal);
            for (var i = 0; i < count; i++)
            {
                var id = random.Next(3) switch
                {
                    0 => Guid.NewGuid().ToString("N"),
                    1 => oddIds[random.Next(oddIds.Length)],
                    _ => random.Next(2) == 0 ? User.ToUpperInvariant() : Group + "x",
                };
                if (known.Contains(id))
                {
                    continue;
                }

                var onUser = random.Next(2) == 0;
                var path = $"/scim/v2/{(onUser ? "Users" : "Groups")}/{Uri.EscapeDataString(id)}";
                var body = onUser ? Bodies.User("user0@contoso.example").ToJsonString() : Bodies.Group("Readers").ToJsonString();
                var patch = (onUser ? Bodies.Patch(Bodies.Op("replace", "title", "x")) : Bodies.Patch(Bodies.Op("replace", "displayName", "x"))).ToJsonString();
                var request = random.Next(4) switch
                {
                    0 => new GeneratedRequest(HttpMethod.Get, path, null, "unknown id"),
                    1 => new GeneratedRequest(HttpMethod.Put, path, Encoding.UTF8.GetBytes(body), "unknown id"),
                    2 => new GeneratedRequest(HttpMethod.Patch, path, Encoding.UTF8.GetBytes(patch), "unknown id"),
                    _ => new GeneratedRequest(HttpMethod.Delete, path, null, "unknown id"),
                };
                _requests.Add(request);
            }
        }

        private void GarbageListParameters(int count)
        {
            string[] garbage =
            [
                "", " ", "abc", "-", "1e5", "1.5", "0x10", "-0", "99999999999999999999", "-99999999999999999999", "2147483648", "-2147483649",
                "%00", ",", ",,,", "userName,,", "name.", ".givenName", "urn:", "urn:ietf:params:scim:schemas:core:2.0:User:", "emails[type eq \"work\"]",
                "members.value.x", "$ref", "\u00e9", "\ud83d\ude00", "meta.version", "password", "groups", "DESCENDING", "ascending ", "sideways",
                new string('a', 3000), "id,id,id", "*", "null", "true",
            ];
            string[] parameters = ["attributes", "excludedAttributes", "sortBy", "sortOrder", "startIndex", "count"];
            for (var i = 0; i < count; i++)
            {
                var query = string.Join("&", Enumerable.Range(0, 1 + random.Next(3))
                    .Select(_ => $"{parameters[random.Next(parameters.Length)]}={Uri.EscapeDataString(garbage[random.Next(garbage.Length)])}"));
                var path = random.Next(5) switch
                {
                    0 => $"/scim/v2/Users/{User}?{query}",
                    1 => $"/scim/v2/Groups/{Group}?{query}",
                    2 => $"/scim/v2/Groups?{query}",
                    _ => $"/scim/v2/Users?{query}",
                };
                _requests.Add(new GeneratedRequest(HttpMethod.Get, path, null, "garbage list parameters"));
            }
        }

        private static (HttpMethod Method, string Path) Split(string target)
        {
            var space = target.IndexOf(' ', StringComparison.Ordinal);
            return (new HttpMethod(target[..space]), target[(space + 1)..]);
        }

        [System.Text.RegularExpressions.GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
        private static partial System.Text.RegularExpressions.Regex JsonStringToken();

        private string Resolve(string path) => path.Replace("{user}", User, StringComparison.Ordinal).Replace("{group}", Group, StringComparison.Ordinal);
    }
}
