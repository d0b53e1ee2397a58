using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace ScimBridge.MondaySim.Tests;

public sealed class GraphQlTests : SimTest
{
    private const string ApiToken = "api-secret";

    private async Task<Reply> Gql(string query, object? variables = null, string? version = null, string? authorization = ApiToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v2");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }
        if (version is not null)
        {
            request.Headers.Add("API-Version", version);
        }
        var body = new JsonObject { ["query"] = query };
        if (variables is not null)
        {
            body["variables"] = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(variables));
        }
        request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Reply(response.StatusCode, JsonNode.Parse(text), response.Headers);
    }

    private static JsonArray Users(Reply reply) => reply.Body!["data"]!["users"]!.AsArray();

    private static string ErrorCode(Reply reply) => (string)reply.Body!["errors"]![0]!["extensions"]!["code"]!;

    private void SeedMany(int count)
    {
        for (var i = 0; i < count; i++)
        {
            State.SeedUser($"u{i}@example.com", $"User {i}");
        }
    }

    [Fact]
    public async Task Users_ReturnsOnlyTheSelectedFields_ForScimAndSeededUsers()
    {
        var scimId = await CreateUser("ada@example.com", "Ada");
        var seeded = State.SeedUser("boss@example.com", "Boss", "admin");

        var reply = await Gql("query { users { id email name is_admin } }");

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Null(reply.Body!["errors"]);
        var users = Users(reply);
        Assert.Equal(2, users.Count);
        Assert.Equal(
            $$"""{"id":"{{scimId}}","email":"ada@example.com","name":"Ada","is_admin":false}""",
            users[0]!.ToJsonString());
        Assert.Equal(seeded.Id, (string)users[1]!["id"]!);
        Assert.True((bool)users[1]!["is_admin"]!);
    }

    [Fact]
    public async Task Users_AllFieldsOfTheDefaultVersion_MapTheSimulatorModel()
    {
        var viewer = State.SeedUser("v@example.com", "Viewer", "viewer", active: false,
            lastActivity: new DateTimeOffset(2026, 10, 1, 8, 30, 0, TimeSpan.Zero));
        var groupId = await CreateGroup("Sales");
        await Patch($"/scim/v2/Groups/{groupId}",
            $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"{{viewer.Id}}"}]}]}""");

        var reply = await Gql("""
            { users { id enabled is_admin is_guest is_view_only is_pending is_verified created_at join_date
                      last_activity title time_zone_identifier current_language teams { id name } } }
            """);

        var user = Users(reply)[0]!;
        Assert.False((bool)user["enabled"]!);
        Assert.True((bool)user["is_view_only"]!);
        Assert.False((bool)user["is_guest"]!);
        Assert.True((bool)user["is_verified"]!);
        Assert.Equal("2026-11-22T12:00:00Z", (string)user["created_at"]!);
        Assert.Equal("2026-11-22", (string)user["join_date"]!);
        Assert.Equal("2026-10-01T08:30:00Z", (string)user["last_activity"]!);
        Assert.Equal($$"""[{"id":"{{groupId}}","name":"Sales"}]""", user["teams"]!.ToJsonString());
    }

    [Fact]
    public async Task Users_AliasesAndVariables()
    {
        var a = State.SeedUser("a@example.com", "A");
        State.SeedUser("b@example.com", "B");
        var c = State.SeedUser("c@example.com", "C");

        var reply = await Gql(
            "query Pick($ids: [ID!]!, $page: Int) { people: users(ids: $ids, limit: 1, page: $page) { key: id } }",
            new { ids = new[] { a.Id, c.Id }, page = 2 });

        Assert.Equal($$"""[{"key":"{{c.Id}}"}]""", reply.Body!["data"]!["people"]!.ToJsonString());
    }

    [Fact]
    public async Task Users_LimitAndPage()
    {
        SeedMany(5);

        var page2 = await Gql("{ users(limit: 2, page: 2) { email } }");
        var page3 = await Gql("{ users(limit: 2, page: 3) { email } }");

        Assert.Equal(["u2@example.com", "u3@example.com"], Users(page2).Select(u => (string)u!["email"]!));
        Assert.Equal(["u4@example.com"], Users(page3).Select(u => (string)u!["email"]!));
    }

    [Fact]
    public async Task Users_WithoutLimit_SilentlyCappedAt200()
    {
        SeedMany(250);

        var all = await Gql("{ users { id } }");
        var second = await Gql("{ users(limit: 200, page: 2) { id } }");

        Assert.Null(all.Body!["errors"]);
        Assert.Equal(200, Users(all).Count);
        Assert.Equal(50, Users(second).Count);
    }

    [Fact]
    public async Task Users_IdsAndEmailsFilters()
    {
        var a = State.SeedUser("a@example.com", "A");
        var b = State.SeedUser("b@example.com", "B");
        State.SeedUser("c@example.com", "C");

        var byIds = await Gql($$"""{ users(ids: [{{a.Id}}, "{{b.Id}}", 1]) { id } }""");
        var byEmails = await Gql("""{ users(emails: ["B@EXAMPLE.com"]) { id } }""");

        Assert.Equal([a.Id, b.Id], Users(byIds).Select(u => (string)u!["id"]!));
        Assert.Equal([b.Id], Users(byEmails).Select(u => (string)u!["id"]!));
    }

    [Theory]
    [InlineData("all", 3)]
    [InlineData("guests", 1)]
    [InlineData("non_guests", 2)]
    [InlineData("non_pending", 3)]
    public async Task Users_KindFilter(string kind, int expected)
    {
        State.SeedUser("a@example.com", "A");
        State.SeedUser("g@example.com", "G", "guest");
        State.SeedUser("v@example.com", "V", "viewer");

        var reply = await Gql($"{{ users(kind: {kind}) {{ id is_guest }} }}");

        Assert.Equal(expected, Users(reply).Count);
        if (kind == "guests")
        {
            Assert.True((bool)Users(reply)[0]!["is_guest"]!);
        }
    }

    [Fact]
    public async Task Version202610_RemovedFieldIsAnErrorAtHttp200()
    {
        State.SeedUser("a@example.com", "A", "admin");

        var reply = await Gql("{ users { id is_admin } }", version: "2026-10");

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Null(reply.Body!["data"]);
        Assert.Equal("Field 'is_admin' doesn't exist on type 'User'", (string)reply.Body!["errors"]![0]!["message"]!);
        Assert.Equal("undefinedField", ErrorCode(reply));
        Assert.Equal(1, (int)reply.Body!["account_id"]!);
    }

    [Fact]
    public async Task Version202610_RemovedArgumentIsAnError()
    {
        var reply = await Gql("{ users(kind: all) { id } }", version: "2026-10");

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal("argumentNotAccepted", ErrorCode(reply));
    }

    [Fact]
    public async Task Version202610_StatusAndNewFields()
    {
        State.SeedUser("a@example.com", "A");
        State.SeedUser("b@example.com", "B", active: false);

        var reply = await Gql("{ users { status is_deleted became_active_at } }", version: "2026-10");

        Assert.Equal(
            """[{"status":"ACTIVE","is_deleted":false,"became_active_at":"2026-11-22T12:00:00Z"},{"status":"INACTIVE","is_deleted":false,"became_active_at":"2026-11-22T12:00:00Z"}]""",
            Users(reply).ToJsonString());
    }

    [Fact]
    public async Task DefaultVersion_HasNoStatusField()
    {
        var reply = await Gql("{ users { status } }");

        Assert.Equal("undefinedField", ErrorCode(reply));
    }

    [Theory]
    [InlineData("{ users { id nope } }")]
    [InlineData("{ users { teams { id nope } } }")]
    [InlineData("{ account { plan { nope } } }")]
    [InlineData("mutation { activate_users(user_ids: [1]) { activated_users { nope } } }")]
    public async Task UnknownNestedField_ErrorEvenWithNothingToList(string query)
    {
        var reply = await Gql(query);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal("undefinedField", ErrorCode(reply));
        Assert.Contains("Field 'nope' doesn't exist on type", (string)reply.Body!["errors"]![0]!["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownTopLevelField_ErrorWithLocation()
    {
        var reply = await Gql("{\n  boards { id }\n}");

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var error = reply.Body!["errors"]![0]!;
        Assert.Equal("Field 'boards' doesn't exist on type 'Query'", (string)error["message"]!);
        Assert.Equal("""[{"line":2,"column":3}]""", error["locations"]!.ToJsonString());
    }

    [Theory]
    [InlineData("{ users { id }")]
    [InlineData("query { users(limit: ) { id } }")]
    [InlineData("subscription { users { id } }")]
    [InlineData("{ users { id } } { account { id } }")]
    [InlineData("")]
    public async Task MalformedQuery_Http200WithParsingError(string query)
    {
        var reply = await Gql(query);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal("PARSING_ERROR", ErrorCode(reply));
        Assert.Null(reply.Body!["data"]);
    }

    [Fact]
    public async Task Account_SeatCountsAndPlan()
    {
        State.MaxUsers = 25;
        State.SeedUser("a@example.com", "A", "admin");
        State.SeedUser("m@example.com", "M");
        State.SeedUser("off@example.com", "Off", active: false);
        State.SeedUser("g@example.com", "G", "guest");
        State.SeedUser("v@example.com", "V", "viewer");

        var reply = await Gql("{ account { id name slug tier active_members_count plan { max_users period tier } } }");

        var account = reply.Body!["data"]!["account"]!;
        Assert.Equal(2, (int)account["active_members_count"]!);
        Assert.Equal(25, (int)account["plan"]!["max_users"]!);
        Assert.Equal(1, (int)account["id"]!);
    }

    [Fact]
    public async Task DeactivateUsers_PartialSuccess_VisibleOverScim()
    {
        var id = await CreateUser("ada@example.com", "Ada");

        var reply = await Gql(
            "mutation ($ids: [ID!]!) { deactivate_users(user_ids: $ids) { deactivated_users { id } errors { message code user_id } } }",
            new { ids = new[] { id, "123" } });

        var result = reply.Body!["data"]!["deactivate_users"]!;
        Assert.Equal($$"""[{"id":"{{id}}"}]""", result["deactivated_users"]!.ToJsonString());
        Assert.Equal("USER_NOT_FOUND", (string)result["errors"]![0]!["code"]!);
        Assert.Equal("123", (string)result["errors"]![0]!["user_id"]!);
        var scim = await Get($"/scim/v2/Users/{id}");
        Assert.False((bool)scim.Body!["active"]!);
        var account = await Gql("{ account { active_members_count } }");
        Assert.Equal(0, (int)account.Body!["data"]!["account"]!["active_members_count"]!);
    }

    [Fact]
    public async Task ActivateUsers_ReactivatesAndReportsUnknownIds()
    {
        var user = State.SeedUser("a@example.com", "A", active: false);

        var reply = await Gql($$"""mutation { activate_users(user_ids: [{{user.Id}}, 5]) { activated_users { id enabled } errors { code } } }""");

        var result = reply.Body!["data"]!["activate_users"]!;
        Assert.Equal($$"""[{"id":"{{user.Id}}","enabled":true}]""", result["activated_users"]!.ToJsonString());
        Assert.Equal("""[{"code":"USER_NOT_FOUND"}]""", result["errors"]!.ToJsonString());
        Assert.True(State.FindUser(user.Id)!.Active);
    }

    [Theory]
    [InlineData("GUEST", "guest")]
    [InlineData("VIEW_ONLY", "viewer")]
    [InlineData("MEMBER", "member")]
    [InlineData("ADMIN", "admin")]
    public async Task UpdateUsersRole_ChangesTheScimUserType(string role, string userType)
    {
        var id = await CreateUser("ada@example.com", "Ada");

        var reply = await Gql(
            "mutation ($ids: [ID!]!, $role: BaseRoleName!) { update_users_role(user_ids: $ids, new_role: $role) { updated_users { id } errors { code } } }",
            new { ids = new[] { id, "999" }, role });

        var result = reply.Body!["data"]!["update_users_role"]!;
        Assert.Equal($$"""[{"id":"{{id}}"}]""", result["updated_users"]!.ToJsonString());
        Assert.Equal("""[{"code":"USER_NOT_FOUND"}]""", result["errors"]!.ToJsonString());
        Assert.Equal(userType, (string)(await Get($"/scim/v2/Users/{id}")).Body!["userType"]!);
    }

    [Theory]
    [InlineData("deactivate_users(user_ids: $ids) { deactivated_users { id } }")]
    [InlineData("activate_users(user_ids: $ids) { activated_users { id } }")]
    [InlineData("update_users_role(user_ids: $ids, new_role: GUEST) { updated_users { id } }")]
    public async Task Mutations_MoreThan200Ids_ExceedsBatchLimit_NothingChanges(string mutation)
    {
        var user = State.SeedUser("a@example.com", "A");
        var ids = Enumerable.Range(0, 200).Select(i => $"{i}").Append(user.Id).ToArray();

        var reply = await Gql($"mutation ($ids: [ID!]!) {{ {mutation} }}", new { ids });

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal("EXCEEDS_BATCH_LIMIT", ErrorCode(reply));
        var unchanged = State.FindUser(user.Id)!;
        Assert.Equal((true, "member"), (unchanged.Active, unchanged.UserType));
    }

    [Fact]
    public async Task Mutation_UnknownResultField_ChangesNothing()
    {
        var user = State.SeedUser("a@example.com", "A");

        var reply = await Gql($$"""mutation { deactivate_users(user_ids: [{{user.Id}}]) { nope } }""");

        Assert.Equal("undefinedField", ErrorCode(reply));
        Assert.True(State.FindUser(user.Id)!.Active);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong")]
    [InlineData("scim-secret")]
    public async Task BadToken_401NotAuthenticated(string? authorization)
    {
        var reply = await Gql("{ users { id } }", authorization: authorization);

        Assert.Equal(HttpStatusCode.Unauthorized, reply.Status);
        Assert.Equal("Not Authenticated", (string)reply.Body!["errors"]![0]!["message"]!);
        Assert.Equal("UNAUTHENTICATED", ErrorCode(reply));
        Assert.Equal(401, (int)reply.Body!["errors"]![0]!["extensions"]!["status_code"]!);
    }

    [Fact]
    public async Task BearerPrefixAccepted()
    {
        var reply = await Gql("{ users { id } }", authorization: $"Bearer {ApiToken}");

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.NotNull(reply.Body!["data"]);
    }

    [Fact]
    public async Task ComplexityExhausted_429WithTheOlderBody_SwitchedOverHttp()
    {
        await Post("/_sim/faults", """{"complexityExhausted":true}""");

        var reply = await Gql("{ users { id } }");

        Assert.Equal((HttpStatusCode)429, reply.Status);
        Assert.Equal("ComplexityException", (string)reply.Body!["error_code"]!);
        Assert.Equal(429, (int)reply.Body!["status_code"]!);
        Assert.Contains("reset in 3 seconds", (string)reply.Body!["error_message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RateLimit_AppliesToV2_WithRetryAfter()
    {
        State.RateLimitPerMinute = 1;
        Assert.Equal(HttpStatusCode.OK, (await Gql("{ users { id } }")).Status);

        var limited = await Gql("{ users { id } }");

        Assert.Equal((HttpStatusCode)429, limited.Status);
        Assert.Equal(TimeSpan.FromSeconds(60), limited.Headers.RetryAfter!.Delta);
    }

    [Fact]
    public async Task Requests_AreRecorded()
    {
        await Gql("{ users { id } }");

        Assert.Contains(State.RequestsSnapshot(), r => r is { Method: "POST", Path: "/v2", Status: 200 });
    }

    [Fact]
    public async Task ActivityEndpoint_SetsLastActivity()
    {
        var user = State.SeedUser("a@example.com", "A");

        var set = await Post("/_sim/activity", $$"""{"userId":"{{user.Id}}","lastActivity":"2026-09-01T10:00:00Z"}""");
        var seeded = await Post("/_sim/seed/users", """{"users":[{"userName":"b@example.com","lastActivity":"2026-08-01T00:00:00Z"}]}""");
        var reply = await Gql("{ users { last_activity } }");

        Assert.Equal(HttpStatusCode.OK, set.Status);
        Assert.Equal(HttpStatusCode.Created, seeded.Status);
        Assert.Equal(
            ["2026-09-01T10:00:00Z", "2026-08-01T00:00:00Z"],
            Users(reply).Select(u => (string)u!["last_activity"]!));
        Assert.Equal(HttpStatusCode.NotFound, (await Post("/_sim/activity", """{"userId":"1","lastActivity":"2026-09-01T10:00:00Z"}""")).Status);
    }
}
