using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace ScimBridge.MondaySim.Tests;

/// <summary>The GraphQL faults a mirror run meets: a complexity budget that resets, failures half-way, a retired API version.</summary>
public sealed class GraphQlFaultTests : SimTest
{
    private async Task<Reply> Gql(string query, string? version = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v2");
        request.Headers.TryAddWithoutValidation("Authorization", "api-secret");
        if (version is not null)
        {
            request.Headers.Add("API-Version", version);
        }
        request.Content = new StringContent(new JsonObject { ["query"] = query }.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await Http.SendAsync(request);
        return new Reply(response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync()), response.Headers);
    }

    [Fact]
    public async Task ComplexityResetSeconds_ExhaustsTheBudgetUntilThen_AndSaysTruthfullyHowLongIsLeft()
    {
        Assert.Equal(HttpStatusCode.OK, (await Post("/_sim/faults", """{"complexityResetSeconds":10}""")).Status);

        var first = await Gql("{ users { id } }");
        Time.Advance(TimeSpan.FromSeconds(4));
        var later = await Gql("{ users { id } }");
        Time.Advance(TimeSpan.FromSeconds(6));
        var reset = await Gql("{ users { id } }");

        Assert.Equal((HttpStatusCode)429, first.Status);
        Assert.Equal("ComplexityException", (string)first.Body!["error_code"]!);
        Assert.EndsWith("reset in 10 seconds", (string)first.Body!["error_message"]!, StringComparison.Ordinal);
        Assert.EndsWith("reset in 6 seconds", (string)later.Body!["error_message"]!, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, reset.Status);
        Assert.NotNull(reset.Body!["data"]);
    }

    [Fact]
    public async Task ComplexityNewForm_ErrorsExtensionsWithRetryInSeconds()
    {
        await Post("/_sim/faults", """{"complexityResetSeconds":5,"complexityNewForm":true}""");

        var reply = await Gql("{ users { id } }");

        Assert.Equal((HttpStatusCode)429, reply.Status);
        var extensions = reply.Body!["errors"]![0]!["extensions"]!;
        Assert.Equal("COMPLEXITY_BUDGET_EXHAUSTED", (string)extensions["code"]!);
        Assert.Equal(5, (int)extensions["retry_in_seconds"]!);
        Assert.Null(reply.Body!["error_code"]);
    }

    [Fact]
    public async Task FailGraphQlAfterCalls_PassesThatManyThenAnswers500_UntilSwitchedOff()
    {
        await Post("/_sim/faults", """{"failGraphQlAfterCalls":2}""");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await Gql("{ users { id } }")).Status);
        }
        await Post("/_sim/faults", """{"failGraphQlAfterCalls":-1}""");

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.InternalServerError, HttpStatusCode.InternalServerError], statuses);
        Assert.Equal(HttpStatusCode.OK, (await Gql("{ users { id } }")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Get("/scim/v2/Users")).Status);
    }

    [Fact]
    public async Task ForceApiVersion_ServesThatVersionWhateverTheHeaderAsks()
    {
        State.SeedUser("a@example.com", "A", "admin");
        await Post("/_sim/faults", """{"forceApiVersion":"2026-10"}""");

        var old = await Gql("{ users { id is_admin } }", version: "2025-07");
        var current = await Gql("{ users { status kind } }", version: "2025-07");

        Assert.Equal("undefinedField", (string)old.Body!["errors"]![0]!["extensions"]!["code"]!);
        Assert.Equal("""[{"status":"ACTIVE","kind":"ADMIN"}]""", current.Body!["data"]!["users"]!.ToJsonString());
    }

    [Fact]
    public async Task Kind_IsTheAccountRoleInEveryVersion()
    {
        State.SeedUser("a@example.com", "A", "admin");
        State.SeedUser("m@example.com", "M", "member");
        State.SeedUser("v@example.com", "V", "viewer");
        State.SeedUser("g@example.com", "G", "guest");

        foreach (var version in new[] { "2025-07", "2026-07", "2026-10" })
        {
            var reply = await Gql("{ users { kind } }", version);

            Assert.Equal(
                """[{"kind":"ADMIN"},{"kind":"MEMBER"},{"kind":"VIEW_ONLY"},{"kind":"GUEST"}]""",
                reply.Body!["data"]!["users"]!.ToJsonString());
        }
    }
}

/// <summary><c>--api-version</c>: the version served to a request that names none.</summary>
public sealed class GraphQlDefaultVersionTests : SimTest
{
    protected override string[] ExtraArgs => ["--api-version", "2026-10"];

    [Fact]
    public async Task ApiVersionOption_ServesThatShapeWhenTheRequestNamesNoVersion()
    {
        State.SeedUser("a@example.com", "A");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v2")
        {
            Content = new StringContent("""{"query":"{ users { status is_admin } }"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "api-secret");

        using var response = await Http.SendAsync(request);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal("Field 'is_admin' doesn't exist on type 'User'", (string)body["errors"]![0]!["message"]!);
    }
}

public sealed class GraphQlDeletedAndDailyLimitTests : SimTest
{
    private async Task<Reply> Gql(string query, string version)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v2");
        request.Headers.TryAddWithoutValidation("Authorization", "api-secret");
        request.Headers.Add("API-Version", version);
        request.Content = new StringContent(new JsonObject { ["query"] = query }.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await Http.SendAsync(request);
        return new Reply(response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync()), response.Headers);
    }

    [Fact]
    public async Task ASoftDeletedUser_IsListedWithIsDeletedFrom202607_AndLeftOutBefore_AndOutOfScimAndTheSeatCount()
    {
        State.SeedUser("kept@example.com", "Kept");
        var deleted = State.SeedUser("deleted@example.com", "Deleted");
        lock (State.Sync)
        {
            State.Users[deleted.Id].IsDeleted = true;
        }

        var current = await Gql("{ users { email is_deleted } account { active_members_count } }", "2026-10");
        var older = await Gql("{ users { email } }", "2025-07");
        var scim = await Get("/scim/v2/Users?scim_provisioned_only=false");

        Assert.Equal(
            """[{"email":"kept@example.com","is_deleted":false},{"email":"deleted@example.com","is_deleted":true}]""",
            current.Body!["data"]!["users"]!.ToJsonString());
        Assert.Equal(1, (int)current.Body!["data"]!["account"]!["active_members_count"]!);
        Assert.Equal("""[{"email":"kept@example.com"}]""", older.Body!["data"]!["users"]!.ToJsonString());
        Assert.Equal(1, scim.Total);
    }

    [Fact]
    public async Task NoPlan_AccountPlanIsNull_ButAnUnknownPlanFieldIsStillAnError()
    {
        await Post("/_sim/faults", """{"noPlan":true}""");

        var reply = await Gql("{ account { active_members_count plan { max_users } } }", "2025-07");
        var wrong = await Gql("{ account { plan { nope } } }", "2025-07");

        Assert.Equal("""{"active_members_count":0,"plan":null}""", reply.Body!["data"]!["account"]!.ToJsonString());
        Assert.Equal("undefinedField", (string)wrong.Body!["errors"]![0]!["extensions"]!["code"]!);
    }

    [Fact]
    public async Task DailyLimitExceeded_EveryGraphQlRequestIsRefusedWith429_UntilSwitchedOff()
    {
        await Post("/_sim/faults", """{"dailyLimitExceeded":true}""");

        var refused = await Gql("{ users { id } }", "2025-07");
        await Post("/_sim/faults", """{"dailyLimitExceeded":false}""");
        var passed = await Gql("{ users { id } }", "2025-07");

        Assert.Equal((HttpStatusCode)429, refused.Status);
        Assert.Equal("DAILY_LIMIT_EXCEEDED", (string)refused.Body!["errors"]![0]!["extensions"]!["code"]!);
        Assert.Equal(HttpStatusCode.OK, passed.Status);
    }
}
