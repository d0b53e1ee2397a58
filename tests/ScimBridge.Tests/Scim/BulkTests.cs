using System.Net.Http.Headers;
using System.Text;

namespace ScimBridge.Tests.Scim;

/// <summary>POST /Bulk (RFC 7644 §3.7) over real HTTP, on SQLite and PostgreSQL.</summary>
public sealed class BulkTests
{
    internal const string BulkRequestUrn = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";

    internal static JsonObject Request(params JsonNode?[] operations) => new()
    {
        ["schemas"] = new JsonArray(BulkRequestUrn),
        ["Operations"] = new JsonArray(operations),
    };

    internal static JsonObject Op(string method, string path, string? bulkId = null, JsonNode? data = null, string? version = null)
    {
        var op = new JsonObject { ["method"] = method, ["path"] = path };
        if (bulkId is not null)
        {
            op["bulkId"] = bulkId;
        }

        if (version is not null)
        {
            op["version"] = version;
        }

        if (data is not null)
        {
            op["data"] = data.DeepClone();
        }

        return op;
    }

    private static JsonArray Operations(ScimResponse response)
    {
        response.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:BulkResponse", response.Object["schemas"]![0]!.GetValue<string>());
        return response.Object["Operations"]!.AsArray();
    }

    private static string Status(JsonNode? op) => op!["status"]!.GetValue<string>();

    private static string IdOf(JsonNode? op) => op!["location"]!.GetValue<string>().Split('/')[^1];

    [Theory, AllDatabases]
    public async Task GroupFirst_NamingUsersCreatedLaterInTheRequest_GetsTheirIds(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var group = Bodies.Group("Engineering");
        group["members"] = new JsonArray(new JsonObject { ["value"] = "bulkId:ada" }, new JsonObject { ["value"] = "bulkId:grace" });
        var grace = Bodies.User("grace@contoso.example");
        grace["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"] = new JsonObject { ["manager"] = new JsonObject { ["value"] = "bulkId:ada" } };

        var ops = Operations(await app.PostAsync("/scim/v2/Bulk", Request(
            Op("POST", "/Groups", "eng", group),
            Op("POST", "/Users", "ada", Bodies.User("ada@contoso.example")),
            Op("POST", "/Users", "grace", grace))));

        Assert.Equal(["201", "201", "201"], ops.Select(Status));
        Assert.Equal(["eng", "ada", "grace"], ops.Select(o => o!["bulkId"]!.GetValue<string>()));
        Assert.All(ops, o => Assert.Equal("POST", o!["method"]!.GetValue<string>()));
        Assert.All(ops, o => Assert.StartsWith("W/\"", o!["version"]!.GetValue<string>(), StringComparison.Ordinal));
        var (groupId, adaId, graceId) = (IdOf(ops[0]), IdOf(ops[1]), IdOf(ops[2]));
        Assert.Contains("/Groups/", ops[0]!["location"]!.GetValue<string>(), StringComparison.Ordinal);

        var members = await app.DbAsync(db => db.GroupMembers.Where(m => m.GroupId == groupId).Select(m => m.MemberId).OrderBy(m => m).ToListAsync());
        Assert.Equal(new[] { adaId, graceId }.Order(StringComparer.Ordinal), members);
        var graceRow = await app.DbAsync(db => db.Users.SingleAsync(u => u.Id == graceId));
        Assert.Equal(adaId, graceRow.ManagerId);
        Assert.DoesNotContain("bulkId:", graceRow.Data, StringComparison.Ordinal);
    }

    [Theory, AllDatabases]
    public async Task FailOnErrors_StopsAfterThatManyErrors_LaterOperationsNotRunNorAnswered(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await app.CreateUserAsync("taken@contoso.example");
        var request = Request(
            Op("POST", "/Users", "a", Bodies.User("first@contoso.example")),
            Op("POST", "/Users", "b", Bodies.User("taken@contoso.example")),
            Op("POST", "/Users", "c", Bodies.User("third@contoso.example")));
        request["failOnErrors"] = 1;

        var ops = Operations(await app.PostAsync("/scim/v2/Bulk", request));

        Assert.Equal(2, ops.Count);
        Assert.Equal("201", Status(ops[0]));
        Assert.Equal("409", Status(ops[1]));
        Assert.Equal("uniqueness", ops[1]!["response"]!["scimType"]!.GetValue<string>());
        Assert.Equal("409", ops[1]!["response"]!["status"]!.GetValue<string>());
        Assert.Null(ops[1]!["location"]);
        Assert.False(await app.DbAsync(db => db.Users.AnyAsync(u => u.UserName == "third@contoso.example")));

        // Without failOnErrors every operation runs, whatever fails.
        request.Remove("failOnErrors");
        request["Operations"]![0]!["data"]!["userName"] = "fourth@contoso.example";
        ops = Operations(await app.PostAsync("/scim/v2/Bulk", request));
        Assert.Equal(["201", "409", "201"], ops.Select(Status));
    }

    [Theory, AllDatabases]
    public async Task MalformedOperations_FailAlone_TheOthersRun(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var wrongType = Bodies.User("wrongtype@contoso.example");
        wrongType["active"] = "maybe";
        var ops = Operations(await app.PostAsync("/scim/v2/Bulk", Request(
            JsonValue.Create("not an operation"),
            Op("GET", "/Users"),
            Op("POST", "/Widgets", "w", new JsonObject()),
            Op("POST", "/Users", data: Bodies.User("nobulkid@contoso.example")),
            Op("POST", "/Users", "s", JsonValue.Create("a string")),
            Op("PUT", "/Users", "p", Bodies.User("nopathid@contoso.example")),
            Op("POST", "/Users", "t", wrongType),
            Op("PATCH", "/Users/nope", "x", new JsonObject { ["Operations"] = "wrong" }),
            Op("POST", "/Users", "ok", Bodies.User("ok@contoso.example")))));

        Assert.Equal(["400", "400", "400", "400", "400", "400", "400", "400", "201"], ops.Select(Status));
        Assert.All(ops.Take(8), o => Assert.Equal("urn:ietf:params:scim:api:messages:2.0:Error", o!["response"]!["schemas"]![0]!.GetValue<string>()));
        Assert.Contains("method", ops[1]!["response"]!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("bulkId", ops[3]!["response"]!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(["ok@contoso.example"], await app.DbAsync(db => db.Users.Select(u => u.UserName).ToListAsync()));
    }

    [Theory, AllDatabases]
    public async Task UnknownAndCyclicBulkIds_FailWithNothingApplied(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var a = Bodies.Group("Team A");
        a["members"] = new JsonArray(new JsonObject { ["value"] = "bulkId:b" });
        var b = Bodies.Group("Team B");
        b["members"] = new JsonArray(new JsonObject { ["value"] = "bulkId:a" });
        var orphan = Bodies.Group("Orphans");
        orphan["members"] = new JsonArray(new JsonObject { ["value"] = "bulkId:nobody" });
        var self = Bodies.User("self@contoso.example");
        self["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"] = new JsonObject { ["manager"] = new JsonObject { ["value"] = "bulkId:me" } };

        var ops = Operations(await app.PostAsync("/scim/v2/Bulk", Request(
            Op("POST", "/Groups", "a", a),
            Op("POST", "/Groups", "b", b),
            Op("POST", "/Groups", "orphan", orphan),
            Op("POST", "/Users", "me", self),
            Op("PATCH", "/Groups/bulkId:a", null, Bodies.Patch(Bodies.Op("replace", "displayName", JsonValue.Create("Renamed")))),
            Op("POST", "/Groups", "fine", Bodies.Group("Fine")))));

        Assert.Equal(["409", "409", "400", "409", "409", "201"], ops.Select(Status));
        Assert.Contains("circular", ops[0]!["response"]!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("circular", ops[1]!["response"]!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("invalidValue", ops[2]!["response"]!["scimType"]!.GetValue<string>());
        Assert.Contains("bulkId:nobody", ops[2]!["response"]!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("failed", ops[4]!["response"]!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(["Fine"], await app.DbAsync(db => db.Groups.Select(g => g.DisplayName).ToListAsync()));
        Assert.Equal(0, await app.DbAsync(db => db.Users.CountAsync()));
    }

    [Theory, AllDatabases]
    public async Task PutPatchDelete_ById_AndByBulkIdPath(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var kept = await app.CreateUserAsync("kept@contoso.example");
        var gone = await app.CreateUserAsync("gone@contoso.example");
        var replacement = Bodies.User("kept@contoso.example", "Kept Renamed");

        var ops = Operations(await app.PostAsync("/scim/v2/Bulk", Request(
            Op("PUT", $"/Users/{kept}", null, replacement, "W/\"1\""),
            Op("PATCH", "/Users/bulkId:new", null, Bodies.Patch(Bodies.Op("replace", "displayName", JsonValue.Create("Patched New")))),
            Op("POST", "/Users", "new", Bodies.User("new@contoso.example")),
            Op("DELETE", $"/Users/{gone}"),
            Op("POST", "/Users", "temp", Bodies.User("temp@contoso.example")),
            Op("DELETE", "/Users/bulkId:temp"),
            Op("PUT", $"/Users/{kept}", null, replacement, "W/\"1\""),
            Op("DELETE", "/Users/unknown-id"))));

        Assert.Equal(["200", "200", "201", "204", "201", "204", "412", "404"], ops.Select(Status));
        Assert.Equal("W/\"2\"", ops[0]!["version"]!.GetValue<string>());
        Assert.EndsWith($"/Users/{kept}", ops[0]!["location"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(IdOf(ops[2]), IdOf(ops[1]));
        Assert.Equal("PATCH", ops[1]!["method"]!.GetValue<string>());
        Assert.EndsWith($"/Users/{gone}", ops[3]!["location"]!.GetValue<string>(), StringComparison.Ordinal);

        var users = await app.DbAsync(db => db.Users.OrderBy(u => u.UserName).Select(u => new { u.UserName, u.DisplayName }).ToListAsync());
        Assert.Equal(["kept@contoso.example", "new@contoso.example"], users.Select(u => u.UserName));
        Assert.Equal(["Kept Renamed", "Patched New"], users.Select(u => u.DisplayName));
    }

    [Theory, AllDatabases]
    public async Task Limits_AreAdvertised_AndOverThemIs413_BeforeAnythingRuns(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, new() { ["Scim:Bulk:MaxOperations"] = "3", ["Scim:Bulk:MaxPayloadBytes"] = "4096" });
        var config = (await app.GetAsync("/scim/v2/ServiceProviderConfig")).Object["bulk"]!;
        Assert.True(config["supported"]!.GetValue<bool>());
        Assert.Equal(3, config["maxOperations"]!.GetValue<int>());
        Assert.Equal(4096, config["maxPayloadSize"]!.GetValue<int>());

        var four = Request(Enumerable.Range(1, 4).Select(i => (JsonNode?)Op("POST", "/Users", $"u{i}", Bodies.User($"u{i}@contoso.example"))).ToArray());
        var tooMany = await app.PostAsync("/scim/v2/Bulk", four);
        tooMany.AssertScimError(HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("at most 3", tooMany.String("detail"), StringComparison.Ordinal);

        var big = Bodies.User("big@contoso.example");
        big["nickName"] = new string('x', 5000);
        var tooLarge = await app.PostAsync("/scim/v2/Bulk", Request(Op("POST", "/Users", "big", big)));
        tooLarge.AssertScimError(HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("maxPayloadSize", tooLarge.String("detail"), StringComparison.Ordinal);

        // Without Content-Length (chunked), the limit is enforced while reading.
        using var chunked = new HttpRequestMessage(HttpMethod.Post, "/scim/v2/Bulk")
        {
            Content = new PushStreamContent(Encoding.UTF8.GetBytes(Request(Op("POST", "/Users", "big", big)).ToJsonString())),
        };
        using var chunkedResponse = await app.Scim.SendAsync(chunked);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunkedResponse.StatusCode);

        Assert.Equal(0, await app.DbAsync(db => db.Users.CountAsync()));
    }

    [Theory, AllDatabases]
    public async Task Bulk_UsesItsOwnBodyLimit_NotScimMaxRequestBytes(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, new() { ["Scim:MaxRequestBytes"] = "2048" });
        var ops = Enumerable.Range(1, 30).Select(i => (JsonNode?)Op("POST", "/Users", $"u{i}", Bodies.User($"user{i}@contoso.example"))).ToArray();
        var response = await app.PostAsync("/scim/v2/Bulk", Request(ops));
        Assert.All(Operations(response), o => Assert.Equal("201", Status(o)));
        Assert.Equal(30, await app.DbAsync(db => db.Users.CountAsync()));
    }

    [Theory, AllDatabases]
    public async Task MalformedRequests_AsAWhole_Are400InvalidSyntax(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        foreach (var body in new[]
        {
            "{not json",
            "[]",
            """{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"]}""",
            """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[]}""",
            """{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":{}}""",
            """{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[]}""",
            "",
        })
        {
            var response = await app.SendAsync(HttpMethod.Post, "/scim/v2/Bulk", body);
            response.AssertScimError(HttpStatusCode.BadRequest, "invalidSyntax");
        }

        var badFail = Request(Op("POST", "/Users", "a", Bodies.User("a@contoso.example")));
        badFail["failOnErrors"] = "one";
        (await app.PostAsync("/scim/v2/Bulk", badFail)).AssertScimError(HttpStatusCode.BadRequest, "invalidValue");
        Assert.Equal(0, await app.DbAsync(db => db.Users.CountAsync()));
    }

    [Theory, AllDatabases]
    public async Task Tokens_NoneOrWrongOrHr_Are401_AndNothingIsWritten(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var body = Request(Op("POST", "/Users", "a", Bodies.User("a@contoso.example"))).ToJsonString();
        var hr = await app.HrAsync();
        foreach (var client in new[] { app.CreateScimClient(null), app.CreateScimClient("not-a-token"), app.CreateScimClient(hr.DefaultRequestHeaders.Authorization!.Parameter) })
        {
            using var response = await client.PostAsync("/scim/v2/Bulk", new StringContent(body, Encoding.UTF8, ScimApp.Media));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains("urn:ietf:params:scim:api:messages:2.0:Error", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(0, await app.DbAsync(db => db.Users.CountAsync()));
    }

    [Theory, AllDatabases]
    public async Task EntraInboundPayload_ThroughScimBulk_CreatesBothUsers(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var ops = Operations(await app.PostAsync("/scim/v2/Bulk", EntraInbound.Request(active: true, leaverActive: false)));

        Assert.Equal(["201", "201"], ops.Select(Status));
        var users = await app.DbAsync(db => db.Users.OrderBy(u => u.ExternalId).ToListAsync());
        Assert.Equal([EntraInbound.JoinerId, EntraInbound.LeaverId], users.Select(u => u.ExternalId));
        Assert.Equal([EntraInbound.JoinerId, EntraInbound.LeaverId], users.Select(u => u.EmployeeNumber));
        Assert.Equal([true, false], users.Select(u => u.Active));
        Assert.Equal("Research", users[0].Department);
        Assert.Equal(await app.DbAsync(db => db.Users.Where(u => u.ExternalId == EntraInbound.JoinerId).Select(u => u.Id).SingleAsync()), users[1].ManagerId);
    }

    [Theory]
    [InlineData("Scim:Bulk:MaxOperations", "0")]
    [InlineData("Scim:Bulk:MaxPayloadBytes", "100")]
    public async Task ABadBulkLimit_StopsTheStart_NamingTheKey(string key, string value)
    {
        var error = await Record.ExceptionAsync(async () =>
        {
            await using var app = await ScimApp.StartAsync(DatabaseProvider.Sqlite, new() { [key] = value });
        });

        var validation = Exceptions.Flatten(error).OfType<Microsoft.Extensions.Options.OptionsValidationException>().FirstOrDefault();
        Assert.NotNull(validation);
        Assert.Contains(key, validation.Message, StringComparison.Ordinal);
    }

    /// <summary>Content without a length: sent chunked.</summary>
    private sealed class PushStreamContent(byte[] bytes) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void SerializeToStream(Stream stream, System.Net.TransportContext? context, CancellationToken cancellationToken) => stream.Write(bytes);
    }
}

/// <summary>
/// The request shape of Entra's API-driven inbound provisioning (a SCIM BulkRequest of users with the enterprise
/// extension, the employee id as externalId and employeeNumber, a custom extension schema), with our own values.
/// </summary>
internal static class EntraInbound
{
    public const string JoinerId = "E20417";
    public const string LeaverId = "E31552";
    public const string CustomSchema = "urn:ietf:params:scim:schemas:extension:contoso:1.0:User";

    public static JsonObject Request(bool active, bool leaverActive) => new()
    {
        ["schemas"] = new JsonArray(BulkTests.BulkRequestUrn),
        ["Operations"] = new JsonArray(
            Operation("5b0c9e5e-7d5c-4a8e-9a51-5c1f0c8e2a01", User(JoinerId, "mira.okafor@contoso.example", "Mira", "Okafor", "Research", null, active)),
            Operation("5b0c9e5e-7d5c-4a8e-9a51-5c1f0c8e2a02", User(LeaverId, "tomas.lind@contoso.example", "Tomas", "Lind", "Finance", JoinerId, leaverActive))),
        ["failOnErrors"] = null,
    };

    private static JsonObject Operation(string bulkId, JsonObject data) => new()
    {
        ["method"] = "POST",
        ["bulkId"] = bulkId,
        ["path"] = "/Users",
        ["data"] = data,
    };

    private static JsonObject User(string employeeId, string upn, string given, string family, string department, string? managerEmployeeId, bool active)
    {
        var enterprise = new JsonObject
        {
            ["employeeNumber"] = employeeId,
            ["costCenter"] = "CC-114",
            ["organization"] = "Contoso Labs",
            ["division"] = "Platform",
            ["department"] = department,
        };
        if (managerEmployeeId is not null)
        {
            // The manager is the joiner of the same request, named by its bulkId.
            enterprise["manager"] = new JsonObject { ["value"] = "bulkId:5b0c9e5e-7d5c-4a8e-9a51-5c1f0c8e2a01" };
        }

        return new JsonObject
        {
            ["schemas"] = new JsonArray(
                "urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", CustomSchema),
            ["externalId"] = employeeId,
            ["userName"] = upn,
            ["name"] = new JsonObject { ["formatted"] = $"{given} {family}", ["familyName"] = family, ["givenName"] = given },
            ["displayName"] = $"{given} {family}",
            ["nickName"] = given,
            ["userType"] = "Employee",
            ["title"] = "Engineer",
            ["active"] = active,
            ["emails"] = new JsonArray(new JsonObject { ["value"] = upn, ["type"] = "work", ["primary"] = true }),
            ["phoneNumbers"] = new JsonArray(new JsonObject { ["value"] = "+44 20 7946 0101", ["type"] = "work" }),
            ["addresses"] = new JsonArray(new JsonObject
            {
                ["type"] = "work",
                ["streetAddress"] = "1 Harbour Way",
                ["locality"] = "Leeds",
                ["postalCode"] = "LS1 4AP",
                ["country"] = "GB",
            }),
            ["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"] = enterprise,
            [CustomSchema] = new JsonObject { ["hireDate"] = "2024-03-04", ["contractType"] = "Permanent" },
        };
    }
}
