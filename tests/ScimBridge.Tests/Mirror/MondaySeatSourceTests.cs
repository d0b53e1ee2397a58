extern alias MondaySim;
using System.Diagnostics;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using MondaySim::ScimBridge.MondaySim;
using ScimBridge.Mirror;
using ScimBridge.Mirror.Monday;
using ScimBridge.Monday;

namespace ScimBridge.Tests.Mirror;

/// <summary>The monday.com seat source against the simulator over HTTP: GraphQL first, SCIM when no API credential.</summary>
public sealed class MondaySeatSourceTests : IAsyncLifetime
{
    private const string ApiToken = "sim-api-token";

    private SimulatorHost _sim = null!;
    private readonly List<ServiceProvider> _providers = [];

    public async Task InitializeAsync() => _sim = await SimulatorHost.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }
        await _sim.DisposeAsync();
    }

    /// <summary>The source as the bridge builds it, on settings that point at the simulator (fast retries).</summary>
    private ISeatSource Source(Dictionary<string, string?>? settings = null, IMondayApiCredentials? credentials = null, bool apiToken = true, bool scim = false)
    {
        var all = new Dictionary<string, string?>
        {
            ["Monday:ApiUrl"] = _sim.BaseUrl + "/v2",
            ["Monday:MaxRetries"] = "3",
            ["Monday:BackoffBaseMilliseconds"] = "1",
            ["Monday:RequestsPerMinute"] = "1000000",
        };
        if (apiToken)
        {
            all["Monday:ApiToken"] = ApiToken;
        }
        if (scim)
        {
            all["Monday:TenantUrl"] = _sim.TenantUrl;
            all["Monday:ScimToken"] = SimulatorHost.ScimToken;
        }
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(all).Build();
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddMondayClient(configuration);
        if (credentials is not null)
        {
            services.AddSingleton(credentials);
        }
        services.AddMondaySeatSource();
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return provider.GetServices<ISeatSource>().Single(s => s.App == MirrorApps.Monday);
    }

    private static async Task<List<IReadOnlyList<AppSeat>>> PagesAsync(ISeatSource source)
    {
        var pages = new List<IReadOnlyList<AppSeat>>();
        await foreach (var page in source.ListSeatsAsync(CancellationToken.None))
        {
            pages.Add(page);
        }
        return pages;
    }

    private static async Task<List<AppSeat>> SeatsAsync(ISeatSource source) => [.. (await PagesAsync(source)).SelectMany(p => p)];

    private void SeedMany(int count)
    {
        for (var i = 0; i < count; i++)
        {
            _sim.State.SeedUser($"user{i:D4}@example.com", $"User {i}");
        }
    }

    /// <summary>One user of each seat type and status, the simulator's own model (created now, activity as given).</summary>
    private Dictionary<string, SimUser> SeedEveryKind()
    {
        var activity = new DateTimeOffset(2026, 11, 1, 9, 30, 0, TimeSpan.Zero);
        var users = new Dictionary<string, SimUser>
        {
            ["admin"] = _sim.State.SeedUser("boss@example.com", "Boss", "admin", lastActivity: activity),
            ["member"] = _sim.State.SeedUser("ada@example.com", "Ada", "member", lastActivity: activity.AddDays(-3)),
            ["viewer"] = _sim.State.SeedUser("view@example.com", "Viewer", "viewer"),
            ["guest"] = _sim.State.SeedUser("guest@example.com", "Guest", "guest"),
            ["inactive"] = _sim.State.SeedUser("gone@example.com", "Gone", "member", active: false, lastActivity: activity.AddDays(-90)),
            ["pending"] = _sim.State.SeedUser("new@example.com", "New", "member"),
        };
        lock (_sim.State.Sync)
        {
            _sim.State.Users[users["pending"].Id].IsPending = true;
        }
        return users;
    }

    private int GraphQlCalls(int? status = null) =>
        _sim.State.RequestsSnapshot().Count(r => r.Path == "/v2" && (status is null || r.Status == status));

    [Fact]
    public async Task Paging_450UsersInPagesOf200_ThreePages_EverySeatOnce()
    {
        SeedMany(450);
        var source = Source(new() { ["Monday:UsersPageSize"] = "200" });

        var pages = await PagesAsync(source);

        Assert.Equal([200, 200, 50], pages.Select(p => p.Count));
        var seats = pages.SelectMany(p => p).ToList();
        Assert.Equal(450, seats.Select(s => s.AccountId).Distinct().Count());
        Assert.Equal(_sim.Users().Select(u => u.Id).Order(), seats.Select(s => s.AccountId).Order());
        Assert.Equal(3, GraphQlCalls());
    }

    [Fact]
    public async Task Paging_AFullLastPage_EndsWithOneEmptyPageAsked()
    {
        SeedMany(400);
        var source = Source(new() { ["Monday:UsersPageSize"] = "200" });

        var pages = await PagesAsync(source);

        Assert.Equal([200, 200], pages.Select(p => p.Count));
        Assert.Equal(3, GraphQlCalls());
    }

    [Theory]
    [InlineData("2025-07")]
    [InlineData("2026-07")]
    [InlineData("2026-10")]
    public async Task BothUserShapes_MapToTheSameSeatTypesStatusesAndTimes(string apiVersion)
    {
        var users = SeedEveryKind();
        var source = Source(new() { ["Monday:ApiVersion"] = apiVersion });

        var seats = (await SeatsAsync(source)).ToDictionary(s => s.AccountId);

        Assert.Equal(6, seats.Count);
        AssertSeat(seats[users["admin"].Id], users["admin"], SeatTypes.Admin, SeatStatuses.Active);
        AssertSeat(seats[users["member"].Id], users["member"], SeatTypes.Member, SeatStatuses.Active);
        AssertSeat(seats[users["viewer"].Id], users["viewer"], SeatTypes.Viewer, SeatStatuses.Active);
        AssertSeat(seats[users["guest"].Id], users["guest"], SeatTypes.Guest, SeatStatuses.Active);
        AssertSeat(seats[users["inactive"].Id], users["inactive"], SeatTypes.Member, SeatStatuses.Inactive);
        AssertSeat(seats[users["pending"].Id], users["pending"], SeatTypes.Member, SeatStatuses.Pending);
        Assert.Null(seats[users["viewer"].Id].LastActivity);
    }

    private static void AssertSeat(AppSeat seat, SimUser user, string seatType, string status)
    {
        Assert.Equal(user.UserName, seat.Email);
        Assert.Equal(user.DisplayName, seat.Name);
        Assert.Equal(seatType, seat.SeatType);
        Assert.Equal(status, seat.Status);
        // The simulator serves whole seconds.
        Assert.Equal(user.CreatedAt.ToUnixTimeSeconds(), seat.CreatedInApp!.Value.ToUnixTimeSeconds());
        Assert.Equal(user.LastActivity, seat.LastActivity);
    }

    [Fact]
    public async Task AnOlderVersionThatMondayNoLongerServes_IsReadInTheNewerShape_AndRemembered()
    {
        var users = SeedEveryKind();
        _sim.State.ForcedApiVersion = "2026-10";
        var source = Source(new() { ["Monday:ApiVersion"] = "2025-07" });

        var first = (await SeatsAsync(source)).ToDictionary(s => s.AccountId);
        var callsForFirst = GraphQlCalls();
        var second = await SeatsAsync(source);

        Assert.Equal(SeatTypes.Admin, first[users["admin"].Id].SeatType);
        Assert.Equal(SeatTypes.Viewer, first[users["viewer"].Id].SeatType);
        Assert.Equal(SeatStatuses.Pending, first[users["pending"].Id].Status);
        Assert.Equal(SeatStatuses.Inactive, first[users["inactive"].Id].Status);
        Assert.Equal(2, callsForFirst); // the refused older query, then the newer one
        Assert.Equal(6, second.Count);
        Assert.Equal(3, GraphQlCalls()); // the second listing asks in the newer shape at once
    }

    [Theory]
    [InlineData("2025-07")]
    [InlineData("2026-10")]
    public async Task ASoftDeletedUser_HoldsNoSeat_SoItIsNotListed(string apiVersion)
    {
        var kept = _sim.State.SeedUser("kept@example.com", "Kept");
        var deleted = _sim.State.SeedUser("deleted@example.com", "Deleted");
        lock (_sim.State.Sync)
        {
            _sim.State.Users[deleted.Id].IsDeleted = true;
        }
        var source = Source(new() { ["Monday:ApiVersion"] = apiVersion });

        var seats = await SeatsAsync(source);

        Assert.Equal([kept.Id], seats.Select(s => s.AccountId));
    }

    [Fact]
    public async Task DailyLimitExceeded_FailsAtOnceWithDailyLimit()
    {
        SeedMany(3);
        _sim.State.DailyLimitExceeded = true;
        var source = Source();

        var e = await Assert.ThrowsAsync<MirrorSourceException>(() => SeatsAsync(source));

        Assert.Equal("DailyLimit", e.Code);
        Assert.Contains("midnight UTC", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, GraphQlCalls());
    }

    [Fact]
    public async Task ANewerVersionThatMondayDoesNotServeYet_IsReadInTheOlderShape()
    {
        var users = SeedEveryKind();
        _sim.State.ForcedApiVersion = "2025-07";
        var source = Source(new() { ["Monday:ApiVersion"] = "2026-10" });

        var seats = (await SeatsAsync(source)).ToDictionary(s => s.AccountId);

        Assert.Equal(6, seats.Count);
        Assert.Equal(SeatTypes.Guest, seats[users["guest"].Id].SeatType);
        Assert.Equal(SeatStatuses.Pending, seats[users["pending"].Id].Status);
        Assert.Equal(2, GraphQlCalls());
    }

    [Fact]
    public async Task Account_SeatsBoughtFromThePlan_AndActiveMembers()
    {
        SeedEveryKind();
        _sim.State.MaxUsers = 250;
        var source = Source();

        var account = await source.GetAccountAsync(CancellationToken.None);

        Assert.Equal("1", account.AccountId);
        Assert.Equal("Simulated Account", account.Name);
        Assert.Equal(250, account.SeatsBought);
        // Enabled admins and members, the pending one included; viewers and guests take no paid seat.
        Assert.Equal(3, account.ActiveMembers);
    }

    [Fact]
    public async Task Account_WithoutAPlan_SeatsBoughtIsUnknown()
    {
        SeedMany(2);
        _sim.State.NoPlan = true;
        var source = Source();

        var account = await source.GetAccountAsync(CancellationToken.None);

        Assert.Null(account.SeatsBought);
        Assert.Equal(2, account.ActiveMembers);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ComplexityBudgetExhausted_WaitsAsToldThenCompletes_WithoutCountingItAsAFailure(bool newForm)
    {
        SeedMany(450);
        _sim.State.ComplexityNewForm = newForm;
        _sim.State.ComplexityExhaustedUntil = DateTimeOffset.UtcNow.AddSeconds(2);
        // Fewer retries than the waits a hammering client would need: only waiting as told gets through.
        var source = Source(new() { ["Monday:UsersPageSize"] = "200", ["Monday:MaxRetries"] = "0" });
        var clock = Stopwatch.StartNew();

        var seats = await SeatsAsync(source);

        Assert.Equal(450, seats.Count);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1), $"Waited only {clock.Elapsed}.");
        var refused = GraphQlCalls(429);
        Assert.InRange(refused, 1, 3);
        Assert.Equal(3, GraphQlCalls(200));
    }

    [Fact]
    public async Task ComplexityBudgetExhaustedHalfWay_TheListingWaitsAndContinues()
    {
        SeedMany(450);
        var source = Source(new() { ["Monday:UsersPageSize"] = "200" });
        var pages = new List<IReadOnlyList<AppSeat>>();

        await foreach (var page in source.ListSeatsAsync(CancellationToken.None))
        {
            if (pages.Count == 0)
            {
                _sim.State.ComplexityExhaustedUntil = DateTimeOffset.UtcNow.AddSeconds(1);
            }
            pages.Add(page);
        }

        Assert.Equal([200, 200, 50], pages.Select(p => p.Count));
        Assert.True(GraphQlCalls(429) >= 1);
    }

    [Fact]
    public async Task ServerErrorsAndRateLimits_AreRetried_AndTheListingCompletes()
    {
        SeedMany(450);
        _sim.State.FailureRate = 0.3;
        _sim.State.TooManyRequestsRate = 0.2;
        var source = Source(new() { ["Monday:UsersPageSize"] = "100", ["Monday:MaxRetries"] = "20" });

        var seats = await SeatsAsync(source);
        var account = await source.GetAccountAsync(CancellationToken.None);

        Assert.Equal(450, seats.Select(s => s.AccountId).Distinct().Count());
        Assert.Equal(100, account.SeatsBought);
        var statuses = _sim.State.RequestsSnapshot().Where(r => r.Path == "/v2").Select(r => r.Status).ToList();
        Assert.Contains(statuses, s => s is 500 or 503);
        Assert.Contains(429, statuses);
    }

    [Fact]
    public async Task PersistentServerErrorHalfWay_ThrowsUnavailable_AfterTheBoundedRetries()
    {
        SeedMany(450);
        _sim.State.FailGraphQlAfterCalls = 1;
        var source = Source(new() { ["Monday:UsersPageSize"] = "200", ["Monday:MaxRetries"] = "3" });
        var pages = new List<IReadOnlyList<AppSeat>>();

        var e = await Assert.ThrowsAsync<MirrorSourceException>(async () =>
        {
            await foreach (var page in source.ListSeatsAsync(CancellationToken.None))
            {
                pages.Add(page);
            }
        });

        Assert.Equal("Unavailable", e.Code);
        Assert.Contains("HTTP 500", e.Message, StringComparison.Ordinal);
        Assert.Single(pages);
        Assert.Equal(4, GraphQlCalls(500)); // the attempt and three retries
    }

    [Fact]
    public async Task DroppedConnections_AreRetriedBoundedly_ThenUnavailable()
    {
        SeedMany(5);
        _sim.State.DropConnections = true;
        var source = Source(new() { ["Monday:MaxRetries"] = "2" });

        var e = await Assert.ThrowsAsync<MirrorSourceException>(() => SeatsAsync(source));

        Assert.Equal("Unavailable", e.Code);
        Assert.Equal(3, _sim.State.RequestsSnapshot().Count(r => r is { Path: "/v2", Status: 0 }));
    }

    [Fact]
    public async Task AnInvalidOrRevokedToken_IsUnauthorized_AndNotRetried()
    {
        SeedMany(5);
        var source = Source(new() { ["Monday:ApiToken"] = "revoked-token" });

        var e = await Assert.ThrowsAsync<MirrorSourceException>(() => SeatsAsync(source));

        Assert.Equal("Unauthorized", e.Code);
        Assert.DoesNotContain("revoked-token", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, GraphQlCalls(401));
    }

    [Fact]
    public async Task ARevokedOAuthToken_IsUnauthorized()
    {
        var tokens = _sim.State.OAuth.IssueTokens(new HashSet<string>(MondayScopes.Requested));
        _sim.State.OAuth.Revoke(tokens.AccessToken);
        var source = Source(credentials: new OAuthCredentials(tokens.AccessToken, MondayScopes.Requested), apiToken: false);

        Assert.Null(await source.CheckAsync(CancellationToken.None));
        var e = await Assert.ThrowsAsync<MirrorSourceException>(() => SeatsAsync(source));

        Assert.Equal("Unauthorized", e.Code);
    }

    [Fact]
    public async Task AnOAuthConnectionWithoutUsersRead_CheckNamesTheMissingScope_AndMondayRefusesTheListing()
    {
        SeedMany(3);
        var granted = new[] { MondayScopes.AccountRead };
        var tokens = _sim.State.OAuth.IssueTokens(new HashSet<string>(granted));
        var source = Source(credentials: new OAuthCredentials(tokens.AccessToken, granted), apiToken: false);

        var problem = await source.CheckAsync(CancellationToken.None);
        var e = await Assert.ThrowsAsync<MirrorSourceException>(() => SeatsAsync(source));

        Assert.Equal("MissingScope", problem!.Code);
        Assert.Contains("users:read", problem.Message, StringComparison.Ordinal);
        Assert.Equal("MissingScope", e.Code);
        Assert.Contains("users:read", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOAuthConnectionWithEveryScope_ListsOverBearer()
    {
        SeedMany(3);
        var tokens = _sim.State.OAuth.IssueTokens(new HashSet<string>(MondayScopes.Mirror));
        var source = Source(credentials: new OAuthCredentials(tokens.AccessToken, MondayScopes.Mirror), apiToken: false);

        Assert.Null(await source.CheckAsync(CancellationToken.None));
        Assert.Equal(3, (await SeatsAsync(source)).Count);
        Assert.Equal(100, (await source.GetAccountAsync(CancellationToken.None)).SeatsBought);
    }

    [Fact]
    public async Task NoApiCredential_ButASimTenant_ListsEveryUserOverScim_WithoutActivity()
    {
        SeedMany(230);
        var users = SeedEveryKind();
        var source = Source(apiToken: false, scim: true);

        var problem = await source.CheckAsync(CancellationToken.None);
        var pages = await PagesAsync(source);
        var account = await source.GetAccountAsync(CancellationToken.None);

        Assert.Null(problem);
        Assert.Equal([100, 100, 36], pages.Select(p => p.Count));
        var seats = pages.SelectMany(p => p).ToDictionary(s => s.AccountId);
        Assert.Equal(236, seats.Count);
        Assert.All(seats.Values, s => Assert.Null(s.LastActivity));
        Assert.Equal(SeatTypes.Admin, seats[users["admin"].Id].SeatType);
        Assert.Equal(SeatTypes.Viewer, seats[users["viewer"].Id].SeatType);
        Assert.Equal(SeatTypes.Guest, seats[users["guest"].Id].SeatType);
        Assert.Equal(SeatStatuses.Inactive, seats[users["inactive"].Id].Status);
        Assert.Equal("boss@example.com", seats[users["admin"].Id].Email);
        Assert.Equal(new AppAccount(null, null, null, null), account);
        Assert.Equal(0, GraphQlCalls());
        Assert.All(_sim.State.RequestsSnapshot(), r => Assert.StartsWith("/scim/v2/Users", r.Path, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ScimFallback_ARevokedScimToken_IsUnauthorized()
    {
        SeedMany(3);
        _sim.State.TokenRevoked = true;
        var source = Source(apiToken: false, scim: true);

        var e = await Assert.ThrowsAsync<MirrorSourceException>(() => SeatsAsync(source));

        Assert.Equal("Unauthorized", e.Code);
    }

    [Fact]
    public async Task NoCredentialsAtAll_IsNotConfigured()
    {
        var source = Source(apiToken: false);

        var problem = await source.CheckAsync(CancellationToken.None);
        var listing = await Assert.ThrowsAsync<MirrorSourceException>(() => SeatsAsync(source));
        var account = await Assert.ThrowsAsync<MirrorSourceException>(() => source.GetAccountAsync(CancellationToken.None));

        Assert.Equal("NotConfigured", problem!.Code);
        Assert.Equal("NotConfigured", listing.Code);
        Assert.Equal("NotConfigured", account.Code);
        Assert.Empty(_sim.State.RequestsSnapshot());
    }

    [Fact]
    public async Task Cancellation_StopsAComplexityWait()
    {
        SeedMany(3);
        _sim.State.ComplexityExhaustedUntil = DateTimeOffset.UtcNow.AddMinutes(5);
        var source = Source();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in source.ListSeatsAsync(cancel.Token))
            {
            }
        });

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"Took {clock.Elapsed}.");
    }

    [Theory, AllDatabases]
    public async Task TheServersContainer_ResolvesTheSource_FromItsConfiguration(DatabaseProvider provider)
    {
        var users = SeedEveryKind();
        await using var app = await ScimApp.StartAsync(provider, new()
        {
            ["Monday:ApiUrl"] = _sim.BaseUrl + "/v2",
            ["Monday:ApiToken"] = ApiToken,
            ["Monday:ApiVersion"] = "2026-10",
        });
        await using var server = app.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddMondaySeatSource()));

        var source = server.Services.GetServices<ISeatSource>().Single(s => s.App == MirrorApps.Monday);
        var seats = await SeatsAsync(source);

        Assert.Null(await source.CheckAsync(CancellationToken.None));
        Assert.Equal(users.Values.Select(u => u.Id).Order(), seats.Select(s => s.AccountId).Order());
        Assert.Equal(SeatTypes.Guest, seats.Single(s => s.AccountId == users["guest"].Id).SeatType);
    }

    [Theory]
    [InlineData("Monday:ApiUrl", "not a url")]
    [InlineData("Monday:ApiVersion", "latest")]
    [InlineData("Monday:UsersPageSize", "0")]
    [InlineData("Monday:UsersPageSize", "1001")]
    public void BadMondayApiSettings_AreRefusedNamingTheKey(string key, string value)
    {
        var options = new MondayOptions();
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build()
            .GetSection(MondayOptions.Section).Bind(options);

        var result = new MondayOptionsValidator().Validate(options);

        Assert.Contains(result.Errors, e => e.ErrorMessage.StartsWith(key + " ", StringComparison.Ordinal));
    }

    private sealed class OAuthCredentials(string accessToken, IEnumerable<string> scopes) : IMondayApiCredentials
    {
        public Task<MondayApiCredential?> GetAsync(CancellationToken cancellationToken) =>
            Task.FromResult<MondayApiCredential?>(new MondayApiCredential(
                "Bearer " + accessToken, new HashSet<string>(scopes), MondayApiCredential.OAuth));
    }
}
