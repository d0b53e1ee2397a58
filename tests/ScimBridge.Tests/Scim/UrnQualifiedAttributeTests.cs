namespace ScimBridge.Tests.Scim;

/// <summary>
/// RFC 7644 §3.10 lets a client name any attribute by its schema URN: nested under the core schema's URN key, or as a
/// fully qualified path. POST and PUT take both forms wherever they take the plain names, for users and for groups.
/// </summary>
public sealed class UrnQualifiedAttributeTests
{
    private const string Users = "/scim/v2/Users";
    private const string Groups = "/scim/v2/Groups";
    private const string UserUrn = "urn:ietf:params:scim:schemas:core:2.0:User";
    private const string GroupUrn = "urn:ietf:params:scim:schemas:core:2.0:Group";
    private const string Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    private static readonly string[] Forms = ["nested", "qualified"];

    [Theory, AllDatabases]
    public async Task PostAndPut_User_InEitherUrnForm_StoreWhatPlainNamesWould(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        foreach (var form in Forms)
        {
            var created = await app.PostAsync(Users, UserBody(form, $"ada-{form}@contoso.example", "Ada", "Engineer"));

            created.AssertStatus(HttpStatusCode.Created);
            Assert.Equal($"ada-{form}@contoso.example", created.String("userName"));
            Assert.Equal("Ada", created.Object["name"]?["givenName"]?.GetValue<string>());
            Assert.Equal("Engineer", created.String("title"));
            Assert.False(created.Object["active"]!.GetValue<bool>());
            Assert.Equal("D1", created.Object[Enterprise]?["department"]?.GetValue<string>());
            var id = created.String("id")!;

            (await app.PutAsync($"{Users}/{id}", UserBody(form, $"augusta-{form}@contoso.example", "Augusta", "Countess"))).AssertStatus(HttpStatusCode.OK);

            var read = await app.GetAsync($"{Users}/{id}");
            Assert.Equal($"augusta-{form}@contoso.example", read.String("userName"));
            Assert.Equal("Augusta", read.Object["name"]?["givenName"]?.GetValue<string>());
            Assert.Equal("Countess", read.String("title"));
            var stored = await app.DbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == id));
            Assert.Equal($"augusta-{form}@contoso.example", stored.UserName);
            Assert.False(stored.Active);
            var found = await app.GetAsync($"{Users}?filter=userName eq \"augusta-{form}@contoso.example\"");
            Assert.Equal(1, found.Object["totalResults"]!.GetValue<int>());
        }
    }

    [Theory, AllDatabases]
    public async Task PostAndPut_Group_InEitherUrnForm_StoreWhatPlainNamesWould(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var ada = await app.CreateUserAsync("ada@contoso.example");
        var bob = await app.CreateUserAsync("bob@contoso.example");
        foreach (var form in Forms)
        {
            var created = await app.PostAsync(Groups, GroupBody(form, $"Engineers {form}", ada));

            created.AssertStatus(HttpStatusCode.Created);
            Assert.Equal($"Engineers {form}", created.String("displayName"));
            var id = created.String("id")!;

            (await app.PutAsync($"{Groups}/{id}", GroupBody(form, $"Engineering {form}", ada, bob))).AssertStatus(HttpStatusCode.OK);

            var read = await app.GetAsync($"{Groups}/{id}");
            Assert.Equal($"Engineering {form}", read.String("displayName"));
            var members = read.Object["members"]!.AsArray().Select(m => m!["value"]!.GetValue<string>()).Order(StringComparer.Ordinal);
            Assert.Equal(new[] { ada, bob }.Order(StringComparer.Ordinal), members);
        }
    }

    [Theory, AllDatabases]
    public async Task Post_UserNameOnlyUnderTheCoreUrn_IsStillRequiredAndUnique(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await app.CreateUserAsync("ada@contoso.example");

        var duplicate = await app.PostAsync(Users, new JsonObject
        {
            ["schemas"] = new JsonArray(UserUrn),
            [UserUrn] = new JsonObject { ["userName"] = "ADA@contoso.example" },
        });
        var blank = await app.PostAsync(Users, new JsonObject { ["schemas"] = new JsonArray(UserUrn), [UserUrn] = new JsonObject { ["userName"] = " " } });
        var wrongShape = await app.PostAsync(Users, new JsonObject { ["schemas"] = new JsonArray(UserUrn), [UserUrn] = "ada" });

        duplicate.AssertScimError(HttpStatusCode.Conflict, "uniqueness");
        blank.AssertScimError(HttpStatusCode.BadRequest, "invalidValue");
        wrongShape.AssertScimError(HttpStatusCode.BadRequest, "invalidValue");
        Assert.Equal(1, await app.DbAsync(db => db.Users.CountAsync()));
    }

    [Theory, AllDatabases]
    public async Task PostAndPut_OneAttributeUnderTwoNames_IsInvalidSyntax_AndNothingChanges(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var id = await app.CreateUserAsync("ada@contoso.example");

        var posted = await app.PostAsync(Users, new JsonObject { ["userName"] = "a@contoso.example", [$"{UserUrn}:userName"] = "b@contoso.example" });
        var put = await app.PutAsync($"{Users}/{id}", new JsonObject
        {
            ["userName"] = "c@contoso.example",
            [UserUrn] = new JsonObject { ["userName"] = "d@contoso.example" },
        });

        posted.AssertScimError(HttpStatusCode.BadRequest, "invalidSyntax");
        put.AssertScimError(HttpStatusCode.BadRequest, "invalidSyntax");
        Assert.Contains("userName", put.String("detail"), StringComparison.Ordinal);
        Assert.Equal(["ada@contoso.example"], await app.DbAsync(db => db.Users.Select(u => u.UserName).ToListAsync()));
    }

    private static JsonObject UserBody(string form, string userName, string givenName, string title)
    {
        var schemas = new JsonArray(UserUrn, Enterprise);
        var enterprise = new JsonObject { ["department"] = "D1" };
        return form == "nested"
            ? new JsonObject
            {
                ["schemas"] = schemas,
                [UserUrn] = new JsonObject
                {
                    ["userName"] = userName,
                    ["name"] = new JsonObject { ["givenName"] = givenName },
                    ["title"] = title,
                    ["active"] = false,
                },
                [Enterprise] = enterprise,
            }
            : new JsonObject
            {
                ["schemas"] = schemas,
                [$"{UserUrn}:userName"] = userName,
                [$"{UserUrn}:name.givenName"] = givenName,
                [$"{UserUrn}:title"] = title,
                [$"{UserUrn}:active"] = false,
                [$"{Enterprise}:department"] = "D1",
            };
    }

    private static JsonObject GroupBody(string form, string displayName, params string[] members)
    {
        var memberArray = new JsonArray(members.Select(m => (JsonNode)new JsonObject { ["value"] = m }).ToArray());
        return form == "nested"
            ? new JsonObject
            {
                ["schemas"] = new JsonArray(GroupUrn),
                [GroupUrn] = new JsonObject { ["displayName"] = displayName, ["members"] = memberArray },
            }
            : new JsonObject
            {
                ["schemas"] = new JsonArray(GroupUrn),
                [$"{GroupUrn}:displayName"] = displayName,
                [$"{GroupUrn}:members"] = memberArray,
            };
    }
}
