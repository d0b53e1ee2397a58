namespace ScimBridge.Tests.Scim;

/// <summary>Scim:MaxValuesPerAttribute, Scim:MaxValueLength, and attribute names given twice in different case.</summary>
public sealed partial class BadInputTests
{
    private const string EnterpriseSchema = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    private static readonly Dictionary<string, string?> LowLimits = new()
    {
        ["Scim:MaxValuesPerAttribute"] = "3",
        ["Scim:MaxValueLength"] = "256",
    };

    [Theory, AllDatabases]
    public async Task MoreValuesThanTheLimit_PostPutPatch_BadRequestInvalidValueNamingAttributeAndLimit(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, LowLimits);
        var seed = await SeedAsync(app);
        var before = await SnapshotAsync(app);
        var user = $"/scim/v2/Users/{seed.Users[0]}";
        var fourEmails = Emails(4);
        var threeMore = Emails(3, "more");

        var refused = new List<(string Request, ScimResponse Response)>
        {
            ("POST", await app.PostAsync("/scim/v2/Users", With(Bodies.User("many@contoso.example"), "emails", fourEmails.DeepClone()))),
            ("PUT", await app.PutAsync(user, With(Bodies.User("user0@contoso.example"), "emails", fourEmails.DeepClone()))),
            ("PATCH replace", await app.PatchAsync(user, Bodies.Patch(Bodies.Op("replace", "emails", fourEmails.DeepClone())))),
            // The user has one email already: adding three more makes four.
            ("PATCH add", await app.PatchAsync(user, Bodies.Patch(Bodies.Op("add", "emails", threeMore.DeepClone())))),
            ("PATCH add without path", await app.PatchAsync(user, Bodies.Patch(Bodies.Op("add", null, new JsonObject { ["emails"] = threeMore.DeepClone() })))),
        };

        foreach (var (request, response) in refused)
        {
            Assert.True(IsScimError(response, HttpStatusCode.BadRequest, "invalidValue"), $"{request}: {(int)response.Status} {response.Body}");
            var detail = response.String("detail")!;
            Assert.Contains("'emails'", detail, StringComparison.Ordinal);
            Assert.Contains("at most 3", detail, StringComparison.Ordinal);
            Assert.Contains("Scim:MaxValuesPerAttribute", detail, StringComparison.Ordinal);
        }

        Assert.Equal(before, await SnapshotAsync(app));
        (await app.PatchAsync(user, Bodies.Patch(Bodies.Op("add", "emails", Emails(2, "fits"))))).AssertStatus(HttpStatusCode.OK);
    }

    [Theory, AllDatabases]
    public async Task GroupMembers_AreNotCountedAgainstTheValueLimit(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, LowLimits);
        var users = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            users.Add(await app.CreateUserAsync($"member{i}@contoso.example"));
        }

        var group = await app.CreateGroupAsync("Everyone", [.. users.Take(4)]);
        var added = await app.PatchAsync($"/scim/v2/Groups/{group}",
            Bodies.Patch(Bodies.Op("add", "members", new JsonArray(new JsonObject { ["value"] = users[4] }))));

        added.AssertStatus(HttpStatusCode.NoContent);
        Assert.Equal(5, await app.DbAsync(db => Task.FromResult(db.GroupMembers.Count(m => m.GroupId == group))));
    }

    [Theory, AllDatabases]
    public async Task StringLongerThanTheLimit_OnEveryBodyEndpoint_BadRequestInvalidValueNamingTheLimit(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, LowLimits);
        var seed = await SeedAsync(app);
        var before = await SnapshotAsync(app);
        var tooLong = new string('x', 257);
        var failures = new List<string>();
        foreach (var (method, template) in BodyEndpoints)
        {
            var path = seed.Path(template);
            var body = method == HttpMethod.Patch
                ? Bodies.Patch(Bodies.Op("replace", "displayName", tooLong)).ToJsonString()
                : new JsonObject { ["userName"] = "long@contoso.example", ["displayName"] = tooLong, ["filter"] = "userName pr" }.ToJsonString();
            var response = await app.SendAsync(method, path, body);
            if (!IsScimError(response, HttpStatusCode.BadRequest, "invalidValue")
                || !response.String("detail")!.Contains("at most 256 characters", StringComparison.Ordinal)
                || !response.String("detail")!.Contains("Scim:MaxValueLength", StringComparison.Ordinal))
            {
                failures.Add($"{method} {path}: {(int)response.Status} {response.Body}");
            }
        }

        var longKey = await app.SendAsync(HttpMethod.Post, "/scim/v2/Users",
            new JsonObject { ["userName"] = "key@contoso.example", [tooLong] = "x" }.ToJsonString());
        Assert.True(IsScimError(longKey, HttpStatusCode.BadRequest, "invalidValue"), longKey.Body);
        Assert.StartsWith($"A key of the object at '$' (starting '{tooLong[..32]}') is 257 characters long", longKey.String("detail"), StringComparison.Ordinal);

        Assert.Empty(failures);
        Assert.Equal(before, await SnapshotAsync(app));
        var atTheLimit = await app.PatchAsync($"/scim/v2/Users/{seed.Users[0]}", Bodies.Patch(Bodies.Op("replace", "displayName", tooLong[1..])));
        atTheLimit.AssertStatus(HttpStatusCode.OK);
    }

    [Theory, AllDatabases]
    public async Task KeysDifferingOnlyInCase_AtEveryLevel_BadRequestInvalidSyntax(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var seed = await SeedAsync(app);
        var before = await SnapshotAsync(app);
        var user = $"/scim/v2/Users/{seed.Users[0]}";
        (HttpMethod Method, string Path, string Body)[] requests =
        [
            (HttpMethod.Post, "/scim/v2/Users", """{"userName":"a@contoso.example","USERNAME":"b@contoso.example"}"""),
            (HttpMethod.Put, user, """{"userName":"user0@contoso.example","name":{"givenName":"A","GIVENNAME":"B"}}"""),
            (HttpMethod.Post, "/scim/v2/Users", """{"userName":"a@contoso.example","emails":[{"value":"a@contoso.example","Value":"b@contoso.example"}]}"""),
            (HttpMethod.Post, "/scim/v2/Users", $$$"""{"userName":"a@contoso.example","{{{EnterpriseSchema}}}":{"department":"A","Department":"B"}}"""),
            (HttpMethod.Post, "/scim/v2/Users", $$$"""{"userName":"a@contoso.example","{{{EnterpriseSchema}}}":{"department":"A"},"{{{EnterpriseSchema.ToUpperInvariant()}}}":{"department":"B"}}"""),
            (HttpMethod.Patch, user, """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"title","value":{"title":"A","TITLE":"B"}}]}"""),
            (HttpMethod.Patch, user, """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"title":"A","Title":"B"}}]}"""),
            (HttpMethod.Patch, user, """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","OP":"remove","path":"title","value":"A"}]}"""),
            (HttpMethod.Post, "/scim/v2/Groups", """{"displayName":"A","DisplayName":"B"}"""),
        ];

        var failures = new List<string>();
        foreach (var (method, path, body) in requests)
        {
            var response = await app.SendAsync(method, path, body);
            if (!IsScimError(response, HttpStatusCode.BadRequest, "invalidSyntax") || !response.String("detail")!.Contains("twice", StringComparison.Ordinal))
            {
                failures.Add($"{method} {Shorten(body)}: {(int)response.Status} {response.Body}");
            }
        }

        Assert.Empty(failures);
        Assert.Equal(before, await SnapshotAsync(app));
    }

    private static JsonArray Emails(int count, string prefix = "alias") =>
        new([.. Enumerable.Range(0, count).Select(i => (JsonNode)new JsonObject { ["value"] = $"{prefix}{i}@contoso.example", ["type"] = "other" })]);
}
