using ScimBridge.Mirror;

namespace ScimBridge.Tests.Mirror;

/// <summary>Mirror runs of monday.com end to end: the bridge's runner and GraphQL client against the simulator over HTTP.</summary>
public sealed class MondayMirrorTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Old = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Recent = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);

    private SimulatorHost _sim = null!;

    public async Task InitializeAsync() => _sim = await SimulatorHost.StartAsync();

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    private Dictionary<string, string?> Settings(string pageSize = "2") => new()
    {
        ["Monday:ApiUrl"] = _sim.BaseUrl + "/v2",
        ["Monday:ApiToken"] = "sim-api-token",
        ["Monday:UsersPageSize"] = pageSize,
        ["Monday:MaxRetries"] = "2",
        ["Monday:BackoffBaseMilliseconds"] = "1",
        ["Monday:TenantUrl"] = _sim.TenantUrl,
        ["Monday:ScimToken"] = SimulatorHost.ScimToken,
        ["Monday:RequestsPerMinute"] = "1000000",
        ["Mirror:Schedule"] = "",
    };

    private static Task<MirrorRunRecord> RunAsync(ScimApp app) =>
        app.Services.GetRequiredService<MirrorRunner>().RunAsync(MirrorApps.Monday, MirrorInitiators.Admin, "tester", CancellationToken.None);

    private static Task<List<MirrorSeatRecord>> SeatsAsync(ScimApp app) =>
        app.DbAsync(db => db.MirrorSeats.AsNoTracking().OrderBy(s => s.Email).ToListAsync());

    [Theory, AllDatabases]
    public async Task ARun_PagesThroughMonday_LinksTheUsersThePushCreatedOrAdopted_AndKeepsShadows(DatabaseProvider provider)
    {
        _sim.State.SeedUser("ann@example.com", "Ann", "admin", lastActivity: Recent);
        _sim.State.SeedUser("viewer@example.com", "Vic", "viewer", lastActivity: Old);
        _sim.State.SeedUser("shadow@example.com", "Shadow", "member");
        _sim.State.SeedUser("gone-later@example.com", "Gina", "guest", active: false);
        _sim.State.MaxUsers = 250;
        await using var app = await ScimApp.StartAsync(provider, Settings());
        var ann = await app.CreateUserAsync("Ann@Example.com");
        var pushed = await app.CreateUserAsync("pushed@example.com");
        // The push creates one user and adopts Ann's existing one (matched by userName), setting her type from the mapping.
        await Eventually.UntilAsync(
            async () => await app.DbAsync(db => db.PushStates.CountAsync(p => (p.ResourceId == pushed || p.ResourceId == ann) && p.MondayId != null && p.PushedSeq == p.ChangeSeq)) == 2,
            "the bridge pushes its users to monday.com");

        var run = await RunAsync(app);

        Assert.Equal(MirrorRunStatuses.Succeeded, run.Status);
        Assert.True(run.Pages >= 3, $"pages of 2: {run.Pages}");
        Assert.Equal((5, 5), (run.Seen, run.Added));
        var seats = await SeatsAsync(app);
        var byEmail = seats.ToDictionary(s => s.Email!.ToLowerInvariant());
        Assert.Equal((ann, SeatLinks.Push, SeatTypes.Member, Recent), (byEmail["ann@example.com"].UserId, byEmail["ann@example.com"].LinkedBy, byEmail["ann@example.com"].SeatType, byEmail["ann@example.com"].LastActivity));
        Assert.Equal((pushed, SeatLinks.Push, true), (byEmail["pushed@example.com"].UserId, byEmail["pushed@example.com"].LinkedBy, byEmail["pushed@example.com"].ProvisionedByBridge));
        Assert.Null(byEmail["shadow@example.com"].UserId);
        Assert.Equal(SeatTypes.Viewer, byEmail["viewer@example.com"].SeatType);
        Assert.Equal((SeatTypes.Guest, SeatStatuses.Inactive), (byEmail["gone-later@example.com"].SeatType, byEmail["gone-later@example.com"].Status));
        var account = await app.DbAsync(db => db.MirrorApps.AsNoTracking().SingleAsync(a => a.App == MirrorApps.Monday));
        Assert.Equal(250, account.SeatsBought);
    }

    [Theory, AllDatabases]
    public async Task MondayFailingHalfWay_MarksNothingGone_AndTheNextCompleteRunDoes(DatabaseProvider provider)
    {
        for (var i = 0; i < 6; i++)
        {
            _sim.State.SeedUser($"user{i}@example.com", $"User {i}", lastActivity: Old);
        }
        await using var app = await ScimApp.StartAsync(provider, Settings());
        await RunAsync(app);
        var removed = _sim.Users().Single(u => u.UserName == "user0@example.com").Id;
        lock (_sim.State.Sync)
        {
            _sim.State.Users.Remove(removed);
        }
        _sim.State.SetLastActivity(_sim.Users().Single(u => u.UserName == "user5@example.com").Id, Recent);

        // The account query and the first page pass; every call after that is a 500.
        _sim.State.FailGraphQlAfterCalls = 2;
        var failed = await RunAsync(app);
        Assert.Equal((MirrorRunStatuses.Failed, "Unavailable"), (failed.Status, failed.ErrorCode));
        Assert.All(await SeatsAsync(app), s => Assert.Null(s.GoneAt));

        _sim.State.FailGraphQlAfterCalls = null;
        var complete = await RunAsync(app);
        Assert.Equal(MirrorRunStatuses.Succeeded, complete.Status);
        Assert.Equal(1, complete.Gone);
        var seats = await SeatsAsync(app);
        Assert.NotNull(seats.Single(s => s.Email == "user0@example.com").GoneAt);
        Assert.Equal(Recent, seats.Single(s => s.Email == "user5@example.com").LastActivity);
    }

    [Theory, AllDatabases]
    public async Task AnExhaustedComplexityBudget_IsWaitedOut_AndTheRunCompletes(DatabaseProvider provider)
    {
        for (var i = 0; i < 5; i++)
        {
            _sim.State.SeedUser($"c{i}@example.com", $"C {i}");
        }
        await using var app = await ScimApp.StartAsync(provider, Settings());
        _sim.State.ComplexityExhaustedUntil = DateTimeOffset.UtcNow.AddSeconds(2);

        var run = await RunAsync(app);

        Assert.Equal(MirrorRunStatuses.Succeeded, run.Status);
        Assert.Equal(5, run.Added);
    }

    [Theory, AllDatabases]
    public async Task TheNewerUserShape_GivesTheSameSeats(DatabaseProvider provider)
    {
        _sim.State.SeedUser("a@example.com", "A", "admin");
        _sim.State.SeedUser("v@example.com", "V", "viewer");
        var pending = _sim.State.SeedUser("p@example.com", "P", "member");
        lock (_sim.State.Sync)
        {
            _sim.State.Users[pending.Id].IsPending = true;
        }
        var settings = Settings();
        settings["Monday:ApiVersion"] = "2026-10";
        await using var app = await ScimApp.StartAsync(provider, settings);

        await RunAsync(app);

        var seats = (await SeatsAsync(app)).ToDictionary(s => s.Email!, s => (s.SeatType, s.Status));
        Assert.Equal((SeatTypes.Admin, SeatStatuses.Active), seats["a@example.com"]);
        Assert.Equal((SeatTypes.Viewer, SeatStatuses.Active), seats["v@example.com"]);
        Assert.Equal((SeatTypes.Member, SeatStatuses.Pending), seats["p@example.com"]);
    }

    [Theory, AllDatabases]
    public async Task MirrorRun_OnTheCommandLine_DownloadsAndPrintsTheCounts(DatabaseProvider provider)
    {
        _sim.State.SeedUser("cli@example.com", "Cli");
        await using var database = await TestDatabases.CreateAsync(provider);
        var environment = Settings().ToDictionary(p => p.Key.Replace(":", "__", StringComparison.Ordinal), p => p.Value ?? "");

        var (exit, lines, error) = await BridgeCli.RunWithAsync(database, environment, null, "mirror", "run", "--app", "monday");

        Assert.True(exit == 0, string.Join('\n', lines) + error);
        Assert.Contains(lines, l => l.Contains("monday.com: Succeeded", StringComparison.Ordinal) && l.Contains("1 added", StringComparison.Ordinal));
        await using var app = await ScimApp.StartAsync(provider, Settings(), database: database);
        var run = await app.DbAsync(db => db.MirrorRuns.AsNoTracking().SingleAsync());
        Assert.Equal(MirrorInitiators.Cli, run.InitiatorType);

        _sim.State.TokenRevoked = true;
        _sim.State.FailGraphQlAfterCalls = 0;
        var (failedExit, _, failedError) = await BridgeCli.RunWithAsync(database, environment, null, "mirror", "run", "--app", "monday");
        Assert.Equal(1, failedExit);
        Assert.Contains("Nothing was marked gone", failedError, StringComparison.Ordinal);
    }
}
