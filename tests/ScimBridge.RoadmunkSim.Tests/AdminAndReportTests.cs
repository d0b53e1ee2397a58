using System.Net;

namespace ScimBridge.RoadmunkSim.Tests;

public sealed class AdminAndReportTests : SimTest
{
    [Fact]
    public async Task Report_Standard_EmailNameRoleStatusLastLogin()
    {
        await Seed("""{"email":"ada@example.com","firstName":"Ada","lastName":"Lovelace","accountRole":"account_admin","lastLogin":"2026-11-01T08:30:00Z"}""",
            """{"email":"bob@example.com","displayName":"Byte, Bob","accountRole":"reviewer","active":false}""");

        var reply = await Send(HttpMethod.Get, "/_sim/reports/users.csv", null);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal(
            "Email,Name,Role,Status,Last Login\r\n"
            + "ada@example.com,Ada Lovelace,account_admin,Active,2026-11-01 08:30:00\r\n"
            + "bob@example.com,\"Byte, Bob\",reviewer,Inactive,\r\n",
            reply.Text);
    }

    [Fact]
    public async Task Report_AfterDeactivateUser_TheUserIsInactive()
    {
        var ids = await SeedMany(2);
        await Query($$"""mutation { deactivateUser(deactivateUserInput: { id: "{{ids[1]}}" }) }""");

        var reply = await Send(HttpMethod.Get, "/_sim/reports/users.csv", null);

        Assert.Contains("user1@example.com,User 1,collaborator,Active,", reply.Text, StringComparison.Ordinal);
        Assert.Contains("user2@example.com,User 2,collaborator,Inactive,", reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_AlternativeHeaders_SwitchedAtRunTimeOrPerDownload()
    {
        await Seed("""{"email":"ada@example.com","firstName":"Ada","lastName":"Lovelace","lastLogin":"2026-11-01T08:30:00Z"}""");
        const string Expected = "EMAIL ADDRESS,FULL NAME,ACCOUNT ROLE,ACTIVE,LAST LOGIN DATE\r\nada@example.com,Ada Lovelace,collaborator,Yes,2026-11-01\r\n";

        var perDownload = await Send(HttpMethod.Get, "/_sim/reports/users.csv?headers=alternative", null);
        await Post("/_sim/faults", """{"reportHeaders":"Alternative"}""");
        var switched = await Send(HttpMethod.Get, "/_sim/reports/users.csv", null);

        Assert.Equal(Expected, perDownload.Text);
        Assert.Equal(Expected, switched.Text);
    }

    [Fact]
    public async Task Report_UnknownHeaders_ProblemDetails400()
    {
        var reply = await Send(HttpMethod.Get, "/_sim/reports/users.csv?headers=fancy", null);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Contains("fancy", (string)reply.Body!["detail"]!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token")]
    public async Task Admin_WithoutTheToken_Unauthorized(string? token)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(HttpMethod.Get, "/_sim/state", null, token)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(HttpMethod.Get, "/_sim/reports/users.csv", null, token)).Status);
    }

    [Theory]
    [InlineData("""{"users":[{"firstName":"No email"}]}""")]
    [InlineData("""{"users":[{"email":"a@example.com","lastLogin":"yesterday"}]}""")]
    [InlineData("""{"users":[{"email":"a@example.com"},{"email":"A@example.com"}]}""")]
    [InlineData("""{"people":[]}""")]
    [InlineData("not json")]
    public async Task AddUsers_BadInput_ProblemDetails400AndNothingAdded(string json)
    {
        var reply = await Post("/_sim/users", json);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.NotNull(reply.Body!["detail"]);
        Assert.Empty(State.Users);
    }

    [Theory]
    [InlineData("""{"explode":true}""")]
    [InlineData("""{"failureRate":"often"}""")]
    [InlineData("""{"reportHeaders":"fancy"}""")]
    public async Task Faults_BadInput_ProblemDetails400(string json)
    {
        var reply = await Post("/_sim/faults", json);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.NotNull(reply.Body!["detail"]);
    }

    [Fact]
    public async Task State_ShowsUsersWithActiveAndCreated_ResetEmptiesItAndClearsFaults()
    {
        await SeedMany(2);
        await Post("/_sim/faults", """{"tokenRevoked":true,"failAfterCalls":0}""");

        var state = await Send(HttpMethod.Get, "/_sim/state", null);
        var reset = await Post("/_sim/reset", "{}");
        var after = await Send(HttpMethod.Get, "/_sim/state", null);

        Assert.Equal(2, state.Body!["users"]!.AsArray().Count);
        Assert.True((bool)state.Body!["users"]![0]!["active"]!);
        Assert.Equal("2026-11-22T12:00:00.0000000+00:00", (string)state.Body!["users"]![0]!["created"]!);
        Assert.Equal(HttpStatusCode.NoContent, reset.Status);
        Assert.Empty(after.Body!["users"]!.AsArray());
        Assert.False((bool)after.Body!["faults"]!["tokenRevoked"]!);
        Assert.Equal(HttpStatusCode.OK, (await Query("{ users(limit: 1, offset: 0) { hasMore } }")).Status);
    }
}
