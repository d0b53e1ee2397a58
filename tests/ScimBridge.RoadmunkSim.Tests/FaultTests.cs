using System.Net;

namespace ScimBridge.RoadmunkSim.Tests;

public sealed class FaultTests : SimTest
{
    private const string Users = "{ users(limit: 10, offset: 0) { hasMore } }";

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token")]
    public async Task GraphQl_WithoutTheToken_Unauthorized(string? token)
    {
        var reply = await Query(Users, token: token);

        Assert.Equal(HttpStatusCode.Unauthorized, reply.Status);
        Assert.Equal("UNAUTHENTICATED", reply.ErrorCode);
    }

    [Fact]
    public async Task GraphQl_TokenWithoutBearer_Unauthorized()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/public/graphql");
        request.Headers.TryAddWithoutValidation("Authorization", Token);
        request.Content = new StringContent($$"""{"query":"{{Users}}"}""");

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task TokenRevoked_GraphQlUnauthorized_AdminStillAnswers()
    {
        await Post("/_sim/faults", """{"tokenRevoked":true}""");

        Assert.Equal(HttpStatusCode.Unauthorized, (await Query(Users)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Post("/_sim/faults", """{"tokenRevoked":false}""")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Query(Users)).Status);
    }

    [Fact]
    public async Task RateLimit_OverTheLimit_TooManyRequestsWithRetryAfter_UntilTheWindowMoves()
    {
        await Post("/_sim/faults", """{"rateLimitPerMinute":2}""");
        Assert.Equal(HttpStatusCode.OK, (await Query(Users)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Query(Users)).Status);
        Time.Advance(TimeSpan.FromSeconds(15));

        var limited = await Query(Users);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.Status);
        Assert.Equal(TimeSpan.FromSeconds(45), limited.Headers.RetryAfter!.Delta);
        Assert.Equal("RATE_LIMITED", limited.ErrorCode);
        Time.Advance(TimeSpan.FromSeconds(45));
        Assert.Equal(HttpStatusCode.OK, (await Query(Users)).Status);
    }

    [Fact]
    public async Task FailureRateOne_EveryCallFailsWith500_AndChangesNothing()
    {
        await SeedMany(1);
        await Post("/_sim/faults", """{"failureRate":1.0}""");

        var reply = await Query($$"""mutation { deactivateUser(deactivateUserInput: { id: "{{State.Users[0].Id}}" }) }""");

        Assert.Equal(HttpStatusCode.InternalServerError, reply.Status);
        Assert.True(State.Users[0].Active);
    }

    [Fact]
    public async Task DropConnections_TheClientSeesNoResponse()
    {
        await Post("/_sim/faults", """{"dropConnections":true}""");

        await Assert.ThrowsAsync<HttpRequestException>(() => Query(Users));
    }

    [Fact]
    public async Task FailAfterCalls_FirstCallsPass_ThenEveryCallFails_UntilCleared()
    {
        await SeedMany(3);
        await Post("/_sim/faults", """{"failAfterCalls":2}""");
        var first = await Query("{ users(limit: 1, offset: 0) { hasMore } }");
        var second = await Query("{ users(limit: 1, offset: 1) { hasMore } }");

        var third = await Query("{ users(limit: 1, offset: 2) { hasMore } }");
        var fourth = await Query("{ users(limit: 1, offset: 2) { hasMore } }");

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK], new[] { first.Status, second.Status });
        Assert.Equal(HttpStatusCode.InternalServerError, third.Status);
        Assert.Equal(HttpStatusCode.InternalServerError, fourth.Status);
        await Post("/_sim/faults", """{"failAfterCalls":null}""");
        Assert.Equal(HttpStatusCode.OK, (await Query(Users)).Status);
    }
}

public sealed class CommandLineFaultTests : SimTest
{
    protected override string[] ExtraArgs => ["--fault-fail-after-calls", "1", "--max-limit", "2"];

    [Fact]
    public async Task StartSwitches_LimitAndFailAfterCalls()
    {
        var tooBig = await Query("{ users(limit: 3, offset: 0) { hasMore } }");

        var failed = await Query("{ users(limit: 2, offset: 0) { hasMore } }");

        Assert.Equal("BAD_USER_INPUT", tooBig.ErrorCode);
        Assert.Equal(HttpStatusCode.InternalServerError, failed.Status);
    }
}
