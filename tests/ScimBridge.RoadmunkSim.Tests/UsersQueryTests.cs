using System.Net;
using System.Text.Json.Nodes;

namespace ScimBridge.RoadmunkSim.Tests;

public sealed class UsersQueryTests : SimTest
{
    private const string Page = "query($limit: Int!, $offset: Int!) { users(limit: $limit, offset: $offset) { page { id email } hasMore } }";

    [Fact]
    public async Task Users_PagedByOffset_HasMoreUntilTheLastPage()
    {
        var ids = await SeedMany(5);
        var seen = new List<string>();
        var hasMore = new List<bool>();
        for (var offset = 0; offset < 6; offset += 2)
        {
            var reply = await Query(Page, new JsonObject { ["limit"] = 2, ["offset"] = offset });
            Assert.Equal(HttpStatusCode.OK, reply.Status);
            seen.AddRange(reply.Data!["users"]!["page"]!.AsArray().Select(u => (string)u!["id"]!));
            hasMore.Add((bool)reply.Data!["users"]!["hasMore"]!);
        }

        Assert.Equal(ids, seen);
        Assert.Equal([true, true, false], hasMore);
    }

    [Fact]
    public async Task Users_EveryDocumentedField_LastLoginNullUntilSet()
    {
        await Seed("""{"email":"ada@example.com","firstName":"Ada","lastName":"Lovelace","accountRole":"account_admin","lastLogin":"2026-11-01T08:30:00Z"}""",
            """{"email":"bob@example.com","firstName":"Bob","lastName":"Byte","accountRole":"reviewer","isInvited":true}""");

        var reply = await Query("{ users(limit: 10, offset: 0) { page { id displayName firstName lastName email accountRole lastLogin isInvited } hasMore } }");

        var page = reply.Data!["users"]!["page"]!.AsArray();
        Assert.Equal("Ada Lovelace", (string)page[0]!["displayName"]!);
        Assert.Equal("Lovelace", (string)page[0]!["lastName"]!);
        Assert.Equal("account_admin", (string)page[0]!["accountRole"]!);
        Assert.Equal("2026-11-01T08:30:00.000Z", (string)page[0]!["lastLogin"]!);
        Assert.False((bool)page[0]!["isInvited"]!);
        Assert.Null(page[1]!["lastLogin"]);
        Assert.True((bool)page[1]!["isInvited"]!);
        Assert.False(page[0]!.AsObject().ContainsKey("active"));
    }

    [Fact]
    public async Task Users_ListsDeactivatedUsersToo()
    {
        await Seed("""{"email":"gone@example.com","active":false}""", """{"email":"here@example.com"}""");

        var reply = await Query("{ users(limit: 10, offset: 0) { page { email } hasMore } }");

        Assert.Equal(2, reply.Data!["users"]!["page"]!.AsArray().Count);
    }

    [Fact]
    public async Task Users_AccountRolesFilter_OnlyThoseRoles()
    {
        await Seed("""{"email":"a@example.com","accountRole":"account_admin"}""", """{"email":"c@example.com","accountRole":"collaborator"}""",
            """{"email":"r@example.com","accountRole":"reviewer"}""");

        var inline = await Query("{ users(limit: 10, offset: 0, accountRoles: [reviewer, account_admin]) { page { email } } }");
        var variable = await Query("query($roles: [AccountRole!]) { users(limit: 10, offset: 0, accountRoles: $roles) { page { email } } }",
            new JsonObject { ["roles"] = new JsonArray("collaborator") });

        Assert.Equal(["a@example.com", "r@example.com"], Emails(inline));
        Assert.Equal(["c@example.com"], Emails(variable));
    }

    [Fact]
    public async Task Users_SearchString_MatchesNameOrEmailIgnoringCase()
    {
        await Seed("""{"email":"ada@example.com","firstName":"Ada","lastName":"Lovelace"}""",
            """{"email":"grace@navy.example","firstName":"Grace","lastName":"Hopper"}""");

        Assert.Equal(["ada@example.com"], Emails(await Query("""{ users(limit: 10, offset: 0, searchString: "LOVE") { page { email } } }""")));
        Assert.Equal(["grace@navy.example"], Emails(await Query("""{ users(limit: 10, offset: 0, searchString: "navy") { page { email } } }""")));
    }

    [Theory]
    [InlineData(101, 0)]
    [InlineData(0, 0)]
    [InlineData(10, -1)]
    public async Task Users_LimitOutOfRange_GraphQlErrorAt200(int limit, int offset)
    {
        var reply = await Query(Page, new JsonObject { ["limit"] = limit, ["offset"] = offset });

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal("BAD_USER_INPUT", reply.ErrorCode);
        Assert.Contains("100", reply.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Users_MaxLimitSwitched_TheNewLimitApplies()
    {
        await Post("/_sim/faults", """{"maxLimit":500}""");

        var reply = await Query(Page, new JsonObject { ["limit"] = 500, ["offset"] = 0 });

        Assert.Null(reply.ErrorCode);
    }

    [Theory]
    [InlineData("{ users(limit: 10, offset: 0) { page { email active } } }")]
    [InlineData("{ users(limit: 10, offset: 0) { total } }")]
    [InlineData("{ users(limit: 10, offset: 0, status: ACTIVE) { hasMore } }")]
    [InlineData("{ users(offset: 0) { hasMore } }")]
    [InlineData("{ accounts { id } }")]
    [InlineData("{ users(limit: 10, offset: 0) }")]
    public async Task Users_UnknownFieldOrMissingArgument_ValidationError(string query)
    {
        var reply = await Query(query);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal("GRAPHQL_VALIDATION_FAILED", reply.ErrorCode);
        Assert.Null(reply.Data);
    }

    [Fact]
    public async Task Query_NotGraphQl_ParseError()
    {
        var reply = await Query("{ users(limit: 10");

        Assert.Equal("GRAPHQL_PARSE_FAILED", reply.ErrorCode);
    }

    private static List<string> Emails(Reply reply) =>
        [.. reply.Data!["users"]!["page"]!.AsArray().Select(u => (string)u!["email"]!)];
}
