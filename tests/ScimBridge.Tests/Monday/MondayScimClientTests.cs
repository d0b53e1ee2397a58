extern alias MondaySim;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MondaySim::ScimBridge.MondaySim;
using ScimBridge.Monday;

namespace ScimBridge.Tests.Monday;

public sealed class MondayScimClientTests : IAsyncLifetime
{
    private const string Token = "scim-secret";

    private static readonly TimeSpan PaceSlot = TimeSpan.FromMinutes(1) / new MondayOptions().RequestsPerMinute;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
    private WebApplication? _sim;
    private readonly List<IDisposable> _disposables = [];

    private MondaySimState State { get; set; } = null!;
    private string BaseUrl { get; set; } = "";

    public async Task InitializeAsync()
    {
        _sim = MondaySimulator.Build(
            ["--urls", "http://127.0.0.1:0", "--scim-token", Token, "--api-token", "api-secret",
                "--Logging:LogLevel:Default", "Warning"],
            _time);
        await _sim.StartAsync();
        State = _sim.Services.GetRequiredService<MondaySimState>();
        BaseUrl = _sim.Urls.First();
    }

    public async Task DisposeAsync()
    {
        foreach (var d in _disposables)
        {
            d.Dispose();
        }
        if (_sim is not null)
        {
            await _sim.DisposeAsync();
        }
    }

    private MondayScimClient Client(Action<MondayOptions>? configure = null, HttpMessageHandler? handler = null) =>
        Services(configure, handler).GetRequiredService<MondayScimClient>();

    private ServiceProvider Services(Action<MondayOptions>? configure = null, HttpMessageHandler? handler = null)
    {
        var options = new MondayOptions
        {
            TenantUrl = BaseUrl + "/scim/v2/",
            ScimToken = Token,
            MaxRetries = 3,
            BackoffBaseMilliseconds = 1,
            AttemptTimeoutSeconds = 600,
        };
        configure?.Invoke(options);
        var services = new ServiceCollection().AddSingleton<TimeProvider>(_time).AddSingleton(Options.Create(options));
        var http = services.AddMondayScimHttpClient();
        if (handler is not null)
        {
            http.ConfigurePrimaryHttpMessageHandler(() => handler);
        }
        var provider = services.BuildServiceProvider();
        _disposables.Add(provider);
        return provider;
    }

    /// <summary>
    /// Awaits <paramref name="call"/> while the clock moves on (a pace slot a round unless <paramref name="step"/> says
    /// otherwise): its pace, backoffs and Retry-After pass without real waiting; the 600 s attempt timeout is never reached.
    /// </summary>
    private async Task<T> OnTheClockAsync<T>(Task<T> call, Func<TimeSpan>? step = null)
    {
        await Eventually.UntilAsync(() => call.IsCompleted, "the call to the simulator", betweenRounds: () => _time.Advance(step?.Invoke() ?? PaceSlot));
        return await call;
    }

    private static MappedUser Ada(string userName = "ada@example.com") =>
        new(userName, "Ada Lovelace", "member", "Engineer", "en-GB", "Europe/London", ["member"], true, true, []);

    [Fact]
    public async Task User_CreateFindPatchDeactivate_ReachesTheSimulator()
    {
        var client = Client();

        var created = await client.CreateUserAsync(Ada());
        Assert.True(created.Success, created.Detail);
        Assert.Equal(201, created.Status);
        var id = created.Id!;

        var found = await OnTheClockAsync(client.FindUserByUserNameAsync("ada@example.com"));
        Assert.True(found.Success);
        Assert.Equal(id, found.Id);

        var patched = await OnTheClockAsync(client.PatchUserAsync(id, new Dictionary<string, JsonNode?> { ["title"] = "CTO" }));
        Assert.True(patched.Success, patched.Detail);
        Assert.Equal("CTO", State.FindUser(id)!.Title);

        var deactivated = await OnTheClockAsync(client.DeactivateUserAsync(id));
        Assert.True(deactivated.Success, deactivated.Detail);
        Assert.False(State.FindUser(id)!.Active);

        var user = State.FindUser(id)!;
        Assert.Equal("Ada Lovelace", user.DisplayName);
        Assert.Equal("Europe/London", user.Timezone);

        foreach (var call in new[] { created, found, patched, deactivated }.SelectMany(r => r.Calls))
        {
            Assert.Equal(1, call.Attempt);
            Assert.StartsWith("/scim/v2/Users", call.Path, StringComparison.Ordinal);
            Assert.DoesNotContain("ada@example.com", call.BodyExcerpt ?? "", StringComparison.Ordinal);
            Assert.DoesNotContain("Ada Lovelace", call.BodyExcerpt ?? "", StringComparison.Ordinal);
        }
        Assert.Contains("\"***\"", created.Calls[0].BodyExcerpt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FindUser_Unknown_SucceedsWithoutResource()
    {
        var found = await Client().FindUserByUserNameAsync("no\"one\\@example.com");
        Assert.True(found.Success);
        Assert.Null(found.Resource);
    }

    [Fact]
    public async Task CreateUser_Duplicate_IsInvalidWithTheTargetsDetail()
    {
        var client = Client();
        Assert.True((await client.CreateUserAsync(Ada())).Success);

        var again = await OnTheClockAsync(client.CreateUserAsync(Ada()));

        Assert.Equal(MondayFailure.Invalid, again.Failure);
        Assert.Equal(409, again.Status);
        Assert.Equal("uniqueness", again.ScimType);
        Assert.Contains("already taken", again.Detail, StringComparison.Ordinal);
        Assert.Single(again.Calls);
    }

    [Fact]
    public async Task CreateUser_UpperCaseUserName_IsInvalid()
    {
        var result = await Client().CreateUserAsync(Ada("Ada@Example.com"));

        Assert.Equal(MondayFailure.Invalid, result.Failure);
        Assert.Equal(400, result.Status);
        Assert.Single(result.Calls);
    }

    [Fact]
    public async Task RevokedToken_IsCredentials_AndNotRetried()
    {
        State.TokenRevoked = true;

        var result = await Client().CreateUserAsync(Ada());

        Assert.Equal(MondayFailure.Credentials, result.Failure);
        var call = Assert.Single(result.Calls);
        Assert.Equal(401, call.Status);
        Assert.Single(State.RequestsSnapshot());
    }

    [Fact]
    public async Task ServerFailures_AreRetryable_AfterMaxRetriesPlusOneCalls()
    {
        State.FailureRate = 1.0;

        var result = await OnTheClockAsync(Client(o => o.MaxRetries = 3).CreateGroupAsync("Engineering"));

        Assert.Equal(MondayFailure.Retryable, result.Failure);
        Assert.Equal(4, result.Calls.Count);
        Assert.Equal([1, 2, 3, 4], result.Calls.Select(c => c.Attempt));
        Assert.All(result.Calls, c => Assert.True(c.Status is 500 or 503));
        Assert.Equal(4, State.RequestsSnapshot().Count);
    }

    [Fact]
    public async Task RateLimited_WaitsForRetryAfter_AndSucceeds()
    {
        State.RateLimitPerMinute = 1;
        var client = Client();
        Assert.True((await client.CreateGroupAsync("First")).Success);
        var before = _time.GetUtcNow();

        // A pace slot a round until the 429 is answered (so Retry-After is the whole minute), then seconds.
        var result = await OnTheClockAsync(client.CreateGroupAsync("Second"),
            () => State.RequestsSnapshot().Count < 2 ? PaceSlot : TimeSpan.FromSeconds(5));

        Assert.True(result.Success, result.Detail);
        Assert.Equal(2, result.Calls.Count);
        Assert.Equal(429, result.Calls[0].Status);
        Assert.Equal(TimeSpan.FromSeconds(60), result.Calls[0].RetryAfter);
        Assert.Equal(201, result.Calls[1].Status);
        Assert.True(_time.GetUtcNow() - before >= TimeSpan.FromSeconds(60));
    }

    [Fact]
    public void RetryAfter_ReadsSecondsAndHttpDates()
    {
        var now = new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
        using var seconds = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        seconds.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(7));
        using var date = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        date.Headers.RetryAfter = new RetryConditionHeaderValue(now.AddSeconds(30));
        using var none = new HttpResponseMessage(HttpStatusCode.TooManyRequests);

        Assert.Equal(TimeSpan.FromSeconds(7), MondayResilience.RetryAfter(seconds, now));
        Assert.Equal(TimeSpan.FromSeconds(30), MondayResilience.RetryAfter(date, now));
        Assert.Null(MondayResilience.RetryAfter(none, now));
    }

    [Fact]
    public async Task OneBreaker_ForEveryRequestOnTheClientsName_AndWhenOpenItNamesTheLastFailure()
    {
        State.FailureRate = 1.0;
        var services = Services(o => (o.MaxRetries, o.CircuitBreakerMinimumThroughput) = (0, 2));
        await services.GetRequiredService<MondayScimClient>().CreateGroupAsync("First");
        await OnTheClockAsync(services.GetRequiredService<MondayScimClient>().CreateGroupAsync("Second"));

        var refused = await OnTheClockAsync(services.GetRequiredService<MondayScimClient>().CreateGroupAsync("Third"));
        // The reclaim's GraphQL calls take the client by name: the same breaker stops them.
        using var graphQl = new HttpRequestMessage(HttpMethod.Post, BaseUrl + "/v2");
        var byName = services.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(MondayScimClient));

        Assert.Equal(MondayFailure.Retryable, refused.Failure);
        Assert.Empty(refused.Calls);
        Assert.StartsWith("the circuit breaker is open after repeated failures (not called); the last failure, at ", refused.Detail, StringComparison.Ordinal);
        Assert.Matches(@"UTC: HTTP 50\d ", refused.Detail);
        await Assert.ThrowsAsync<Polly.CircuitBreaker.BrokenCircuitException>(() => byName.SendAsync(graphQl));
        Assert.Equal(2, State.RequestsSnapshot().Count);
    }

    [Fact]
    public async Task DroppedConnection_IsRetried()
    {
        State.DropConnections = true;
        var client = Client(handler: new HealAfterFirstAttempt(State));

        var result = await OnTheClockAsync(client.CreateGroupAsync("Engineering"));

        Assert.True(result.Success, result.Detail);
        Assert.Equal(2, result.Calls.Count);
        Assert.Equal(0, result.Calls[0].Status);
        Assert.Equal(201, result.Calls[1].Status);
    }

    [Fact]
    public async Task DroppedConnections_Always_AreRetryable()
    {
        State.DropConnections = true;

        var result = await OnTheClockAsync(Client(o => o.MaxRetries = 2).CreateGroupAsync("Engineering"));

        Assert.Equal(MondayFailure.Retryable, result.Failure);
        Assert.Equal(3, result.Calls.Count);
        Assert.All(result.Calls, c => Assert.Equal(0, c.Status));
    }

    [Fact]
    public async Task Groups_CreateRenameAddRemoveDelete_InChunks()
    {
        var client = Client();
        var ids = Enumerable.Range(0, 250).Select(i => State.SeedUser($"u{i}@example.com", $"User {i}").Id).ToList();

        var created = await client.CreateGroupAsync("Engineering");
        Assert.True(created.Success, created.Detail);
        var groupId = created.Id!;

        Assert.True((await OnTheClockAsync(client.RenameGroupAsync(groupId, "Platform"))).Success);
        Assert.Equal("Platform", State.FindGroup(groupId)!.DisplayName);
        var found = await OnTheClockAsync(client.FindGroupByDisplayNameAsync("Platform"));
        Assert.Equal(groupId, found.Id);

        var added = await OnTheClockAsync(client.AddMembersAsync(groupId, ids));
        Assert.True(added.Success, added.Detail);
        Assert.Equal(3, added.Calls.Count);
        Assert.Equal(250, State.FindGroup(groupId)!.Members.Count);
        Assert.All(added.Calls, c => Assert.DoesNotContain("@example.com", c.BodyExcerpt ?? "", StringComparison.Ordinal));

        var removed = await OnTheClockAsync(client.RemoveMembersAsync(groupId, ids.Take(120)));
        Assert.True(removed.Success, removed.Detail);
        Assert.Equal(2, removed.Calls.Count);
        Assert.Equal(130, State.FindGroup(groupId)!.Members.Count);

        var deleted = await OnTheClockAsync(client.DeleteGroupAsync(groupId));
        Assert.True(deleted.Success, deleted.Detail);
        Assert.Null(State.FindGroup(groupId));
    }

    [Fact]
    public void Excerpt_RedactsPiiAndKeepsTheRest()
    {
        var excerpt = MondayScimClient.Excerpt(
            """{"id":"1","userName":"a@b.c","displayName":"A \"B\"","emails":[{"value":"a@b.c","type":"work"}],"title":"CTO","members":[{"value":"7","display":"Ada Lovelace"}]}""")!;

        Assert.DoesNotContain("a@b.c", excerpt, StringComparison.Ordinal);
        Assert.DoesNotContain("A \\\"B", excerpt, StringComparison.Ordinal);
        Assert.DoesNotContain("Lovelace", excerpt, StringComparison.Ordinal);
        Assert.Contains("\"title\":\"CTO\"", excerpt, StringComparison.Ordinal);
        Assert.Equal(500, MondayScimClient.Excerpt(new string('x', 2000))!.Length);
    }

    [Theory]
    [InlineData("not a url", "Monday:TenantUrl")]
    [InlineData("ftp://acme.monday.com/scim/v2", "Monday:TenantUrl")]
    [InlineData("https://acme.monday.com/api", "Monday:TenantUrl")]
    public void Options_BadTenantUrl_NamesTheKey(string url, string key)
    {
        var result = new MondayOptionsValidator().Validate(new MondayOptions { TenantUrl = url, ScimToken = "t" });

        Assert.Contains(result.Errors, e => e.ErrorMessage.StartsWith(key, StringComparison.Ordinal));
    }

    [Fact]
    public void Options_TenantUrlWithoutToken_NamesScimToken()
    {
        var result = new MondayOptionsValidator().Validate(new MondayOptions { TenantUrl = "https://acme.monday.com/scim/v2/" });

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("Monday:ScimToken", error.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_NoTarget_IsValid()
    {
        Assert.True(new MondayOptionsValidator().Validate(new MondayOptions()).IsValid);
        Assert.DoesNotContain("secret", new MondayOptions { ScimToken = "secret", ApiToken = "secret" }.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Lets the first attempt be dropped, then switches the fault off.</summary>
    private sealed class HealAfterFirstAttempt(MondaySimState state) : DelegatingHandler(new HttpClientHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            try
            {
                return await base.SendAsync(request, cancellationToken);
            }
            finally
            {
                state.DropConnections = false;
            }
        }
    }
}
