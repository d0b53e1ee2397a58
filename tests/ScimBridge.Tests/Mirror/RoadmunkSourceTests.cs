using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ScimBridge.Mirror;
using ScimBridge.Mirror.Roadmunk;

namespace ScimBridge.Tests.Mirror;

/// <summary>The Roadmunk seat source over real HTTP against the Roadmunk simulator.</summary>
public sealed class RoadmunkSourceTests
{
    [Fact]
    public async Task ListSeats_AcrossSeveralPages_EachSeatOnceWithItsRoleNameStatusAndLastLogin()
    {
        await using var sim = await RoadmunkSimulatorHost.StartAsync();
        var ids = await sim.SeedAsync(
            """{"email":"ada@example.com","firstName":"Ada","lastName":"Lovelace","accountRole":"account_admin","lastLogin":"2026-11-01T08:30:00Z"}""",
            """{"email":"bob@example.com","displayName":"Bob B.","accountRole":"collaborator"}""",
            """{"email":"cy@example.com","firstName":"Cy","lastName":"Young","displayName":"","accountRole":"reviewer","lastLogin":"2026-10-02T10:00:00Z"}""",
            """{"email":"new@example.com","firstName":"New","lastName":"Hire","accountRole":"reviewer","isInvited":true}""",
            """{"email":"help@roadmunk.com","firstName":"Roadmunk","lastName":"Support","accountRole":"support"}""",
            """{"email":"eve@example.com","firstName":"Eve","lastName":"E","accountRole":"collaborator","active":false}""",
            """{"email":"fay@example.com","firstName":"Fay","lastName":"F","accountRole":"collaborator"}""");
        using var services = Services(sim.BridgeSettings().With("Roadmunk:PageSize", "3"));

        var pages = await ListAsync(Source(services));

        Assert.Equal(3, pages.Count);
        Assert.Equal(3, sim.GraphQlCalls());
        var seats = pages.SelectMany(p => p).ToDictionary(s => s.Email!);
        Assert.Equal(["ada@example.com", "bob@example.com", "cy@example.com", "eve@example.com", "fay@example.com", "new@example.com"], seats.Keys.Order());
        Assert.Equal(new AppSeat(ids[0], "ada@example.com", "Ada Lovelace", SeatTypes.AccountAdmin, SeatStatuses.Active, null,
            new DateTimeOffset(2026, 11, 1, 8, 30, 0, TimeSpan.Zero)), seats["ada@example.com"]);
        Assert.Equal(new AppSeat(ids[1], "bob@example.com", "Bob B.", SeatTypes.Collaborator, SeatStatuses.Active, null, null), seats["bob@example.com"]);
        Assert.Equal("Cy Young", seats["cy@example.com"].Name);
        Assert.Equal(SeatTypes.Reviewer, seats["cy@example.com"].SeatType);
        Assert.Equal(SeatStatuses.Pending, seats["new@example.com"].Status);
        // The listing has no active flag: only the User CSV report tells Eve is inactive.
        Assert.Equal(SeatStatuses.Active, seats["eve@example.com"].Status);
    }

    [Fact]
    public async Task ListSeats_EmptyAccount_OnePageAndNoSeats()
    {
        await using var sim = await RoadmunkSimulatorHost.StartAsync();
        using var services = Services(sim.BridgeSettings());

        var pages = await ListAsync(Source(services));

        Assert.Empty(Assert.Single(pages));
    }

    [Theory]
    [InlineData(null, "https://app-gateway.roadmunk.com/public/graphql")]
    [InlineData("app", "https://app-gateway.roadmunk.com/public/graphql")]
    [InlineData("eu", "https://eu-gateway.roadmunk.com/public/graphql")]
    [InlineData("APAC", "https://apac-gateway.roadmunk.com/public/graphql")]
    public async Task Region_PicksTheRegionalGateway_WithTheBearerToken(string? region, string expected)
    {
        var recorder = new RecordingHandler();
        var settings = new Dictionary<string, string?> { ["Roadmunk:ApiToken"] = "tok-1" };
        if (region is not null)
        {
            settings["Roadmunk:Region"] = region;
        }
        using var services = Services(settings, handler: recorder);

        await ListAsync(Source(services));

        var request = Assert.Single(recorder.Requests);
        Assert.Equal(expected, request.Uri.ToString());
        Assert.Equal("Bearer tok-1", request.Authorization);
        Assert.Contains("users(limit: $limit, offset: $offset)", request.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BaseUrl_OverridesTheRegion()
    {
        var recorder = new RecordingHandler();
        using var services = Services(new() { ["Roadmunk:ApiToken"] = "t", ["Roadmunk:Region"] = "eu", ["Roadmunk:BaseUrl"] = "http://sim.test:5090/" }, handler: recorder);

        await ListAsync(Source(services));

        Assert.Equal("http://sim.test:5090/public/graphql", Assert.Single(recorder.Requests).Uri.ToString());
    }

    [Theory]
    [InlineData("Roadmunk:Region", "mars", "Roadmunk:Region must be one of app, eu, apac")]
    [InlineData("Roadmunk:BaseUrl", "ftp://x", "Roadmunk:BaseUrl must be an absolute http(s) URL")]
    [InlineData("Roadmunk:PageSize", "0", "Roadmunk:PageSize must be between")]
    public async Task BadSetting_TheServerRefusesToStart_NamingTheKey(string key, string value, string expected)
    {
        var error = await Record.ExceptionAsync(async () =>
        {
            await using var app = await ScimApp.StartAsync(DatabaseProvider.Sqlite, new() { [key] = value });
        });

        var validation = Exceptions.Flatten(error).OfType<OptionsValidationException>().FirstOrDefault();
        Assert.NotNull(validation);
        Assert.Contains(expected, validation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheServer_RegistersTheSource_AndItReadsTheSimulator()
    {
        await using var sim = await RoadmunkSimulatorHost.StartAsync();
        await sim.SeedAsync("""{"email":"ada@example.com","firstName":"Ada","lastName":"L","accountRole":"collaborator"}""");
        await using var app = await ScimApp.StartAsync(DatabaseProvider.Sqlite, sim.BridgeSettings());

        var source = app.Services.GetServices<ISeatSource>().Single(s => s.App == MirrorApps.Roadmunk);

        Assert.Null(await source.CheckAsync(CancellationToken.None));
        Assert.Equal("ada@example.com", Assert.Single(Assert.Single(await ListAsync(source))).Email);
    }

    [Fact]
    public async Task NoToken_NotConfigured_BeforeAnyCall()
    {
        var recorder = new RecordingHandler();
        using var services = Services(new() { ["Roadmunk:Region"] = "eu" }, handler: recorder);
        var source = Source(services);

        var problem = await source.CheckAsync(CancellationToken.None);
        var error = await Assert.ThrowsAsync<MirrorSourceException>(() => ListAsync(source));

        Assert.Equal("NotConfigured", problem?.Code);
        Assert.Contains("Roadmunk:ApiToken", problem!.Message, StringComparison.Ordinal);
        Assert.Equal("NotConfigured", error.Code);
        Assert.Empty(recorder.Requests);
    }

    [Fact]
    public async Task Account_RoadmunkHasNoPlanApi_EverythingUnknown()
    {
        await using var sim = await RoadmunkSimulatorHost.StartAsync();
        using var services = Services(sim.BridgeSettings());

        Assert.Equal(new AppAccount(null, null, null, null), await Source(services).GetAccountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task WrongToken_Unauthorized_WithoutRetrying_AndTheTokenIsNotInTheMessage()
    {
        await using var sim = await RoadmunkSimulatorHost.StartAsync();
        using var services = Services(sim.BridgeSettings("wrong-secret-token"));

        var error = await Assert.ThrowsAsync<MirrorSourceException>(() => ListAsync(Source(services)));

        Assert.Equal("Unauthorized", error.Code);
        Assert.Contains("Roadmunk:ApiToken", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-secret-token", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevokedToken_Unauthorized()
    {
        await using var sim = await RoadmunkSimulatorHost.StartAsync();
        await sim.FaultsAsync("""{"tokenRevoked":true}""");
        using var services = Services(sim.BridgeSettings());

        var error = await Assert.ThrowsAsync<MirrorSourceException>(() => ListAsync(Source(services)));

        Assert.Equal("Unauthorized", error.Code);
    }

    [Fact]
    public async Task ServerErrors_RetriedUpToMaxRetries_ThenUnavailable()
    {
        await using var sim = await RoadmunkSimulatorHost.StartAsync();
        await sim.FaultsAsync("""{"failureRate":1.0}""");
        using var services = Services(sim.BridgeSettings().With("Roadmunk:MaxRetries", "2"));

        var error = await Assert.ThrowsAsync<MirrorSourceException>(() => ListAsync(Source(services)));

        Assert.Equal("Unavailable", error.Code);
        Assert.Contains("500", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, sim.GraphQlCalls());
    }

    [Fact]
    public async Task OccasionalServerErrors_Retried_TheListingCompletes()
    {
        await using var sim = await RoadmunkSimulatorHost.StartAsync();
        await sim.SeedAsync([.. Enumerable.Range(1, 10).Select(i => $$"""{"email":"u{{i}}@example.com","accountRole":"collaborator"}""")]);
        await sim.FaultsAsync("""{"failureRate":0.4}""");
        using var services = Services(sim.BridgeSettings().With("Roadmunk:PageSize", "2").With("Roadmunk:MaxRetries", "10"));

        var pages = await ListAsync(Source(services));

        Assert.Equal(10, pages.Sum(p => p.Count));
        Assert.True(sim.GraphQlCalls() > 5, $"expected some calls to fail and be retried, saw {sim.GraphQlCalls()} calls for 5 pages");
    }

    [Fact]
    public async Task RateLimited_WaitsAsRetryAfterSays_ThenContinues()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var sim = await RoadmunkSimulatorHost.StartAsync(time);
        var waits = new RetryWaits(sim.GraphQlCalls);
        await sim.SeedAsync([.. Enumerable.Range(1, 4).Select(i => $$"""{"email":"u{{i}}@example.com","accountRole":"reviewer"}""")]);
        await sim.FaultsAsync("""{"rateLimitPerMinute":2}""");
        using var services = Services(sim.BridgeSettings().With("Roadmunk:PageSize", "1"), time, logs: waits);

        var pages = await OnTheClockAsync(ListAsync(Source(services)), time, waits);

        Assert.Equal(4, pages.Sum(p => p.Count));
        // Four pages at two a minute: the client waited (on its clock, which the simulator's window reads too) once at least.
        Assert.True(waits.Total >= TimeSpan.FromSeconds(50), $"waited only {waits.Total}");
    }

    [Fact]
    public async Task RateLimited_LongerThanTheClientWaits_RetriedThenUnavailable()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var sim = await RoadmunkSimulatorHost.StartAsync(time);
        var waits = new RetryWaits(sim.GraphQlCalls);
        await sim.SeedAsync("""{"email":"u@example.com","accountRole":"reviewer"}""", """{"email":"v@example.com","accountRole":"reviewer"}""");
        await sim.FaultsAsync("""{"rateLimitPerMinute":1}""");
        using var services = Services(sim.BridgeSettings().With("Roadmunk:PageSize", "1").With("Roadmunk:MaxRetryAfterSeconds", "1")
            .With("Roadmunk:MaxRetries", "3"), time, logs: waits);

        var error = await Assert.ThrowsAsync<MirrorSourceException>(() => OnTheClockAsync(ListAsync(Source(services)), time, waits));

        Assert.Equal("Unavailable", error.Code);
        Assert.Contains("429", error.Message, StringComparison.Ordinal);
        Assert.True(waits.Total < TimeSpan.FromSeconds(10), $"waited {waits.Total}: Retry-After must be capped by Roadmunk:MaxRetryAfterSeconds");
    }

    [Fact]
    public async Task DroppedConnections_RetriedThenUnavailable()
    {
        await using var sim = await RoadmunkSimulatorHost.StartAsync();
        await sim.FaultsAsync("""{"dropConnections":true}""");
        using var services = Services(sim.BridgeSettings().With("Roadmunk:MaxRetries", "2"));

        var error = await Assert.ThrowsAsync<MirrorSourceException>(() => ListAsync(Source(services)));

        Assert.Equal("Unavailable", error.Code);
    }

    [Fact]
    public async Task PageSizeAboveRoadmunksLimit_RejectedWithRoadmunksMessage()
    {
        await using var sim = await RoadmunkSimulatorHost.StartAsync(null, "--max-limit", "50");
        using var services = Services(sim.BridgeSettings());

        var error = await Assert.ThrowsAsync<MirrorSourceException>(() => ListAsync(Source(services)));

        Assert.Equal("Rejected", error.Code);
        Assert.Contains("limit must be between 1 and 50", error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Services(
        Dictionary<string, string?> settings, TimeProvider? time = null, HttpMessageHandler? handler = null, ILoggerProvider? logs = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging(l =>
        {
            if (logs is not null)
            {
                l.AddProvider(logs);
            }
        });
        if (time is not null)
        {
            services.AddSingleton(time);
        }
        services.AddRoadmunkSeatSource(configuration);
        if (handler is not null)
        {
            services.AddHttpClient<RoadmunkClient>().ConfigurePrimaryHttpMessageHandler(() => handler);
        }
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    private static ISeatSource Source(IServiceProvider services) => services.GetServices<ISeatSource>().Single(s => s.App == MirrorApps.Roadmunk);

    /// <summary>
    /// Moves the fake clock on a second a round while the client waits to retry, until <paramref name="work"/> is done: its
    /// waits pass without real waiting, and the simulator's window (on the same clock) moves only while the client waits.
    /// </summary>
    private static async Task<T> OnTheClockAsync<T>(Task<T> work, FakeTimeProvider time, RetryWaits waits)
    {
        await Eventually.UntilAsync(() => work.IsCompleted, "the listing", betweenRounds: () =>
        {
            if (waits.Pending)
            {
                time.Advance(TimeSpan.FromSeconds(1));
            }
        });
        return await work;
    }

    private static async Task<List<IReadOnlyList<AppSeat>>> ListAsync(ISeatSource source)
    {
        var pages = new List<IReadOnlyList<AppSeat>>();
        await foreach (var page in source.ListSeatsAsync(CancellationToken.None))
        {
            pages.Add(page);
        }
        return pages;
    }


    /// <summary>Adds up the waits the client announces before each retry (<c>DelayMilliseconds</c>), and tells whether one is pending.</summary>
    private sealed class RetryWaits(Func<int> calls) : ILoggerProvider, ILogger
    {
        private long _ticks;
        private int _callsAtLastWait = -1;

        public TimeSpan Total => TimeSpan.FromTicks(Interlocked.Read(ref _ticks));

        /// <summary>A wait was announced and the simulator has had no call since.</summary>
        public bool Pending => Volatile.Read(ref _callsAtLastWait) == calls();

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (state is IReadOnlyList<KeyValuePair<string, object?>> fields && fields.FirstOrDefault(f => f.Key == "DelayMilliseconds").Value is double ms)
            {
                Interlocked.Add(ref _ticks, TimeSpan.FromMilliseconds(ms).Ticks);
                Volatile.Write(ref _callsAtLastWait, calls());
            }
        }

        public void Dispose()
        {
        }
    }

    /// <summary>Answers every request with an empty last page and records where it went: real Roadmunk is unreachable here.</summary>
    private sealed class RecordingHandler : HttpMessageHandler
    {
        public List<(Uri Uri, string? Authorization, string Body)> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add((request.RequestUri!, request.Headers.Authorization?.ToString(), await request.Content!.ReadAsStringAsync(cancellationToken)));
            return new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent("""{"data":{"users":{"page":[],"hasMore":false}}}""", Encoding.UTF8, "application/json"),
            };
        }
    }
}

internal static class SettingsExtensions
{
    public static Dictionary<string, string?> With(this Dictionary<string, string?> settings, string key, string? value)
    {
        settings[key] = value;
        return settings;
    }
}
