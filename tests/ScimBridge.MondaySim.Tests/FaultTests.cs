using System.Net;

namespace ScimBridge.MondaySim.Tests;

public sealed class FaultTests : SimTest
{
    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token")]
    public async Task Scim_WithoutTheToken_Unauthorized(string? token)
    {
        var reply = await Send(HttpMethod.Get, "/scim/v2/Users", null, token);

        Assert.Equal(HttpStatusCode.Unauthorized, reply.Status);
        Assert.Equal("401", (string)reply.Body!["status"]!);
    }

    [Fact]
    public async Task TokenRevoked_EveryScimRequestUnauthorized()
    {
        State.TokenRevoked = true;

        var reply = await Get("/scim/v2/Users");

        Assert.Equal(HttpStatusCode.Unauthorized, reply.Status);
    }

    [Fact]
    public async Task RateLimit_OverTheLimit_TooManyRequestsWithRetryAfter_UntilTheWindowMoves()
    {
        State.RateLimitPerMinute = 3;
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await Get("/scim/v2/Users")).Status);
        }
        Time.Advance(TimeSpan.FromSeconds(20));

        var limited = await Get("/scim/v2/Users");

        Assert.Equal((HttpStatusCode)429, limited.Status);
        Assert.Equal(TimeSpan.FromSeconds(40), limited.Headers.RetryAfter!.Delta);
        Assert.Equal("429", (string)limited.Body!["status"]!);

        Time.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal(HttpStatusCode.OK, (await Get("/scim/v2/Users")).Status);
    }

    [Fact]
    public async Task FailureRateOne_EveryRequestFailsWith500Or503()
    {
        State.FailureRate = 1.0;

        for (var i = 0; i < 5; i++)
        {
            var reply = await Post("/scim/v2/Users", """{"userName":"ada@example.com","displayName":"Ada"}""");
            Assert.Contains(reply.Status, new[] { HttpStatusCode.InternalServerError, HttpStatusCode.ServiceUnavailable });
        }
        Assert.Empty(State.Users);
    }

    [Fact]
    public async Task DropConnections_AbortsTheConnection()
    {
        State.DropConnections = true;

        await Assert.ThrowsAsync<HttpRequestException>(() => Get("/scim/v2/Users"));
        Assert.Contains(State.RequestsSnapshot(), r => r.Status == 0);
    }

    [Fact]
    public async Task AdminEndpoint_FlipsFaultsOnAndOff()
    {
        var on = await Post("/_sim/faults", """{"TokenRevoked":true,"MaxPageSize":7}""");
        Assert.Equal(HttpStatusCode.OK, on.Status);
        Assert.True(State.TokenRevoked);
        Assert.Equal(7, State.MaxPageSize);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Get("/scim/v2/Users")).Status);

        await Post("/_sim/faults", """{"tokenRevoked":false}""");

        Assert.Equal(HttpStatusCode.OK, (await Get("/scim/v2/Users")).Status);
    }

    [Theory]
    [InlineData("""{"rateLimitPerMinute":"lots"}""")]
    [InlineData("""{"deleteBehavior":"Shred"}""")]
    [InlineData("""{"noSuchFault":true}""")]
    public async Task AdminEndpoint_BadFault_BadRequest(string body)
    {
        var reply = await Post("/_sim/faults", body);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
    }

    [Fact]
    public async Task AdminEndpoints_NeedTheToken()
    {
        var reply = await Send(HttpMethod.Post, "/_sim/faults", """{"tokenRevoked":true}""", token: "wrong");

        Assert.Equal(HttpStatusCode.Unauthorized, reply.Status);
        Assert.False(State.TokenRevoked);
    }

    [Fact]
    public async Task AdminEndpoints_SeedUsersAndShowState()
    {
        var seeded = await Post("/_sim/seed/users", """{"users":[{"userName":"boss@example.com","displayName":"Boss","userType":"admin"}]}""");
        Assert.Equal(HttpStatusCode.Created, seeded.Status);

        var state = await Get("/_sim/state");

        var user = state.Body!["users"]![0]!;
        Assert.Equal("boss@example.com", (string)user["userName"]!);
        Assert.False((bool)user["scimProvisioned"]!);
        Assert.Equal(0, (await Get("/scim/v2/Users")).Total);
    }
}

public sealed class CommandLineFaultTests : SimTest
{
    protected override string[] ExtraArgs => ["--fault-rate-limit", "1", "--delete-behavior", "Delete"];

    [Fact]
    public async Task CommandLine_SetsFaultsAtStart()
    {
        Assert.Equal((1, DeleteBehavior.Delete), (State.RateLimitPerMinute, State.DeleteBehavior));
        Assert.Equal(HttpStatusCode.OK, (await Get("/scim/v2/Users")).Status);
        Assert.Equal((HttpStatusCode)429, (await Get("/scim/v2/Users")).Status);
    }
}
