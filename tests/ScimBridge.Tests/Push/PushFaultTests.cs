using ScimBridge.Push;

namespace ScimBridge.Tests.Push;

/// <summary>
/// The simulator misbehaves while users arrive; once it behaves again, monday.com must hold exactly what the bridge
/// holds: every user once, with its last values, and every change Pushed.
/// </summary>
public sealed class PushFaultTests
{
    // A breaker open for the default 30 s would only make these tests slow; the breaker itself is not what they test.
    private static Dictionary<string, string?> FastBreaker(params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal) { ["Monday:CircuitBreakerBreakSeconds"] = "1" };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }
        return settings;
    }

    [Theory, AllDatabases]
    public async Task TooManyRequestsStorm_EverythingArrivesOnce_AndRetryAfterIsLogged(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider, FastBreaker());
        h.State.TooManyRequestsRate = 0.5;

        var users = await CreateUsersAsync(h, "storm", 30);
        await RenameAsync(h, users, every: 3);
        await h.WaitForAsync(() => Answered(h, "POST", 429) >= 5 && h.Sim.UserCount() >= 10, "429s while users arrive", 60);
        h.State.TooManyRequestsRate = 0;

        await AssertArrivedOnceAsync(h, users, seconds: 60);
        var throttled = await h.Bridge.DbAsync(db => db.OutboundCalls.AsNoTracking().Where(c => c.Status == 429).ToListAsync());
        Assert.True(throttled.Count >= 5, $"Expected the 429s in the provisioning log, found {throttled.Count}.");
        Assert.All(throttled, c => Assert.Equal(1000, c.RetryAfterMs));
    }

    [Theory, AllDatabases]
    public async Task ServerErrors_EverythingArrivesOnce(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider, FastBreaker());
        h.State.FailureRate = 0.4;

        var users = await CreateUsersAsync(h, "flaky", 30);
        await RenameAsync(h, users, every: 3);
        await h.WaitForAsync(() => Answered(h, "POST", 500) + Answered(h, "POST", 503) >= 5 && h.Sim.UserCount() >= 10,
            "5xx while users arrive", 60);
        h.State.FailureRate = 0;

        await AssertArrivedOnceAsync(h, users, seconds: 60);
        var failed = await h.Bridge.DbAsync(db => db.OutboundCalls.CountAsync(c => c.Status == 500 || c.Status == 503));
        Assert.True(failed >= 5, $"Expected the 5xx answers in the provisioning log, found {failed}.");
    }

    [Theory, AllDatabases]
    public async Task LatencyUnderTheAttemptTimeout_IsOnlySlow(DatabaseProvider provider)
    {
        // 300 ms against 3 s: a whole suite on two busy cores can hold a continuation back for most of a second.
        await using var h = await PushHarness.StartAsync(provider, FastBreaker(("Monday:AttemptTimeoutSeconds", "3")));
        h.State.LatencyMs = 300;

        var users = await CreateUsersAsync(h, "slow", 10);
        await RenameAsync(h, users, every: 2);

        await AssertArrivedOnceAsync(h, users, seconds: 60);
        Assert.Equal(0, await h.Bridge.DbAsync(db => db.OutboundCalls.CountAsync(c => c.Status == 0)));
    }

    [Theory, AllDatabases]
    public async Task LatencyOverTheAttemptTimeout_StaysPendingWithError_ThenArrivesOnce(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider,
            FastBreaker(("Monday:AttemptTimeoutSeconds", "1"), ("Monday:MaxRetries", "1")));
        h.State.LatencyMs = 1500;

        var users = await CreateUsersAsync(h, "timeout", 6);
        await WaitAllPendingWithErrorAsync(h, users.Count);
        h.State.LatencyMs = 0;

        await AssertArrivedOnceAsync(h, users, seconds: 60);
        Assert.True(await h.Bridge.DbAsync(db => db.OutboundCalls.AnyAsync(c => c.Status == 0)), "No timed-out attempt was logged.");
    }

    [Theory, AllDatabases]
    public async Task DroppedConnections_EverythingArrivesOnce(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider, FastBreaker(("Monday:MaxRetries", "2")));
        h.State.DropConnections = true;

        var users = await CreateUsersAsync(h, "dropped", 10);
        await RenameAsync(h, users, every: 2);
        await WaitAllPendingWithErrorAsync(h, users.Count);
        Assert.True(Answered(h, "POST", 0) > 0, "The simulator dropped no connection.");
        h.State.DropConnections = false;

        await AssertArrivedOnceAsync(h, users, seconds: 60);
    }

    [Theory, AllDatabases]
    public async Task RevokedToken_Quarantines_SendsOnlyProbes_ThenResumesByItself(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider);
        h.State.TokenRevoked = true;

        var users = await CreateUsersAsync(h, "revoked", 10);
        await Eventually.UntilAsync(async () => (await QuarantineAsync(h))?.QuarantinedSince is not null, "the quarantine");
        Assert.Contains("401", (await QuarantineAsync(h))!.Reason, StringComparison.Ordinal);
        Assert.Equal(401, h.State.RequestsSnapshot().First(r => r.Method == "POST").Status);

        // Pushes already under way when the first 401 came back may still be answered; once two probes went, none are.
        var probes = Answered(h, "GET", 401);
        await h.WaitForAsync(() => Answered(h, "GET", 401) >= probes + 2, "two quarantine probes");
        var posts = Answered(h, "POST", 401);
        probes = Answered(h, "GET", 401);
        await h.WaitForAsync(() => Answered(h, "GET", 401) >= probes + 3, "three more quarantine probes");
        Assert.Equal(posts, Answered(h, "POST", 401));
        Assert.Equal(0, h.Sim.UserCount());
        var changes = await h.Bridge.DbAsync(db => db.Changes.AsNoTracking().ToListAsync());
        Assert.All(changes, c => Assert.Equal(PushStatuses.Pending, c.PushStatus));

        h.State.TokenRevoked = false;
        await AssertArrivedOnceAsync(h, users, seconds: 30);
        var resumed = await QuarantineAsync(h);
        Assert.Null(resumed!.QuarantinedSince);
        Assert.Null(resumed.NextProbeAt);
    }

    [Theory, AllDatabases]
    public async Task RefusedValue_FailsThatUserOnly_AndAFixPushesIt(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider);
        var users = await CreateUsersAsync(h, "fine", 3);
        var bad = await h.Bridge.PostAsync("/scim/v2/Users", PushHarness.User("bad.name@example.com", "Bad <Name>"));
        bad.AssertStatus(HttpStatusCode.Created);
        var badId = bad.String("id")!;

        var changes = await h.WaitSettledAsync();
        var failed = Assert.Single(changes, c => c.ResourceId == badId);
        Assert.Equal(PushStatuses.Failed, failed.PushStatus);
        Assert.Contains("400", failed.PushError, StringComparison.Ordinal);
        Assert.Contains("displayName must not contain", failed.PushError, StringComparison.Ordinal);
        await AssertArrivedOnceAsync(h, users, seconds: 20);

        var patched = await h.Bridge.PatchAsync($"/scim/v2/Users/{badId}", Bodies.Patch(Bodies.Op("replace", "displayName", "Good Name")));
        patched.AssertStatus(HttpStatusCode.OK);
        var settled = await h.WaitSettledAsync();
        Assert.Equal(PushStatuses.Pushed, settled.Where(c => c.ResourceId == badId).MaxBy(c => c.Id)!.PushStatus);
        Assert.Equal("Good Name", Assert.Single(h.SimUsersByName("bad.name@example.com")).DisplayName);
        Assert.Equal(users.Count + 1, h.Sim.UserCount());
    }

    private sealed class TestUser(string id, string userName, string displayName)
    {
        public string Id { get; } = id;
        public string UserName { get; } = userName;
        public string DisplayName { get; set; } = displayName;
    }

    private static async Task<List<TestUser>> CreateUsersAsync(PushHarness h, string prefix, int count)
    {
        var users = new List<TestUser>();
        for (var i = 0; i < count; i++)
        {
            var userName = $"{prefix}.{i}@example.com";
            var created = await h.Bridge.PostAsync("/scim/v2/Users", PushHarness.User(userName, $"{prefix} {i}"));
            created.AssertStatus(HttpStatusCode.Created);
            users.Add(new TestUser(created.String("id")!, userName, $"{prefix} {i}"));
        }
        return users;
    }

    /// <summary>Renames every <paramref name="every"/>th user, so some pushes update a create that is still under way.</summary>
    private static async Task RenameAsync(PushHarness h, List<TestUser> users, int every)
    {
        foreach (var user in users.Where((_, i) => i % every == 0))
        {
            user.DisplayName += " renamed";
            var patched = await h.Bridge.PatchAsync($"/scim/v2/Users/{user.Id}", Bodies.Patch(Bodies.Op("replace", "displayName", user.DisplayName)));
            patched.AssertStatus(HttpStatusCode.OK);
        }
    }

    private static Task<PushTargetRecord?> QuarantineAsync(PushHarness h) =>
        h.Bridge.DbAsync(db => db.PushTargets.AsNoTracking().FirstOrDefaultAsync(t => t.Id == Quarantine.TargetId));

    private static Task WaitAllPendingWithErrorAsync(PushHarness h, int count) =>
        Eventually.UntilAsync(async () =>
        {
            var changes = await h.Bridge.DbAsync(db => db.Changes.AsNoTracking().ToListAsync());
            return changes.Count >= count && changes.All(c => c.PushStatus == PushStatuses.Pending && c.PushError is not null);
        }, "every change pending with a push error");

    /// <summary>Requests to /scim/v2/Users the simulator answered with this method and status (0: dropped).</summary>
    private static int Answered(PushHarness h, string method, int status) =>
        h.State.RequestsSnapshot().Count(r => r.Method == method && r.Status == status && r.Path == "/scim/v2/Users");

    /// <summary>
    /// Every change of these users Pushed; each user in monday.com exactly once, with its last values, linked to the
    /// bridge's user; and each user in monday.com made by exactly one successful POST.
    /// </summary>
    private static async Task AssertArrivedOnceAsync(PushHarness h, List<TestUser> users, int seconds)
    {
        var changes = await h.WaitSettledAsync(seconds);
        var ids = users.Select(u => u.Id).ToHashSet(StringComparer.Ordinal);
        Assert.All(changes.Where(c => ids.Contains(c.ResourceId)), c => Assert.True(
            c.PushStatus == PushStatuses.Pushed, $"{c.ResourceType} {c.ResourceId} {c.Operation}: {c.PushStatus} {c.PushError}"));

        var inMonday = h.Sim.Users();
        Assert.Equal(users.Count, inMonday.Count);
        var states = await h.Bridge.DbAsync(db => db.PushStates.AsNoTracking().Where(p => p.ResourceType == ResourceKinds.User).ToListAsync());
        foreach (var user in users)
        {
            var there = Assert.Single(inMonday, u => u.UserName == user.UserName);
            Assert.Equal(user.DisplayName, there.DisplayName);
            Assert.True(there.Active);
            Assert.Equal(there.Id, Assert.Single(states, s => s.ResourceId == user.Id).MondayId);
        }
        Assert.Equal(inMonday.Count, h.State.RequestsSnapshot().Count(r => r.Method == "POST" && r.Path == "/scim/v2/Users" && r.Status == 201));
    }
}
