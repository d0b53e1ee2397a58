namespace ScimBridge.Tests.Push;

/// <summary>Several bridge instances on one database and one monday.com: the leases decide who pushes what.</summary>
public sealed class PushMultiInstanceTests
{
    private const string UsersPath = "/scim/v2/Users";

    [Theory, AllDatabases]
    public async Task TwoInstances_ShareTheQueue_AndCreateEveryUserExactlyOnce(DatabaseProvider provider)
    {
        await using var a = await PushHarness.StartAsync(provider, new() { ["Push:InstanceId"] = "instance-a" });
        await FreeTokenNameAsync(a.Bridge);
        await using var b = await ScimApp.StartAsync(provider, Settings(a.Sim, "instance-b"), Borrow(a.Bridge), kestrel: true);
        var bridges = new[] { a.Bridge, b };

        var ids = new string[200];
        await Parallel.ForEachAsync(Enumerable.Range(0, ids.Length), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var created = await bridges[i % 2].PostAsync(UsersPath, PushHarness.User(UserName(i), $"User {i}"));
            created.AssertStatus(HttpStatusCode.Created);
            ids[i] = created.String("id")!;
            if (i % 5 == 0)
            {
                // Through the other instance, while the create may still be on its way.
                var patched = await bridges[(i + 1) % 2].PatchAsync($"{UsersPath}/{ids[i]}",
                    Bodies.Patch(Bodies.Op("replace", "displayName", $"User {i} renamed")));
                patched.AssertStatus(HttpStatusCode.OK);
            }
        });

        var changes = await a.WaitSettledAsync(60);
        Assert.Equal(240, changes.Count);
        Assert.All(changes, c => Assert.True(c.PushStatus == PushStatuses.Pushed, $"{c.ResourceId} {c.Operation}: {c.PushStatus} {c.PushError}"));
        var inMonday = a.Sim.Users();
        Assert.Equal(200, inMonday.Count);
        for (var i = 0; i < ids.Length; i++)
        {
            var user = Assert.Single(inMonday, u => u.UserName == UserName(i));
            Assert.Equal(i % 5 == 0 ? $"User {i} renamed" : $"User {i}", user.DisplayName);
        }
        // No instance ever tried to create a user the other one was creating (that would show as a 409 or a second 201).
        var posts = a.State.RequestsSnapshot().Where(r => r.Method == "POST" && r.Path == UsersPath).ToList();
        Assert.Equal(200, posts.Count);
        Assert.All(posts, p => Assert.Equal(201, p.Status));
        var instances = await a.Bridge.DbAsync(db => db.OutboundCalls.Select(c => c.Instance).Distinct().ToListAsync());
        Assert.Equal(["instance-a", "instance-b"], instances.Order(StringComparer.Ordinal));
    }

    [Theory, AllDatabases]
    public async Task LeasesOfADeadInstance_AreTakenOverOnceTheyExpire(DatabaseProvider provider)
    {
        var sim = await SimulatorHost.StartAsync();
        var database = await TestDatabases.CreateAsync(provider);
        PushHarness? survivor = null;
        try
        {
            // A pushes into a monday.com so slow that nothing it sends is answered before it dies.
            sim.State.LatencyMs = 10_000;
            var a = await ScimApp.StartAsync(provider, Settings(sim, "instance-a", ("Push:LeaseSeconds", "3"), ("Monday:AttemptTimeoutSeconds", "30")),
                new TestDatabase(provider, database.ConnectionString, () => Task.CompletedTask), kestrel: true);
            List<PushStateRecord> held;
            await using (a)
            {
                await FreeTokenNameAsync(a);
                for (var i = 0; i < 20; i++)
                {
                    (await a.PostAsync(UsersPath, PushHarness.User(UserName(i), $"User {i}"))).AssertStatus(HttpStatusCode.Created);
                }
                held = await Eventually.ValueAsync(
                    () => a.DbAsync(db => db.PushStates.AsNoTracking().Where(p => p.LeaseOwner == "instance-a").ToListAsync()),
                    "instance A to claim every user",
                    leased => leased.Count == 20);
            }
            // A stopped cleanly and gave its leases back; a killed A would have left them, as they were, to run out.
            await using (var db = Context(provider, database.ConnectionString))
            {
                foreach (var lease in held)
                {
                    await db.PushStates.Where(p => p.ResourceType == lease.ResourceType && p.ResourceId == lease.ResourceId)
                        .ExecuteUpdateAsync(s => s.SetProperty(p => p.LeaseOwner, lease.LeaseOwner).SetProperty(p => p.LeaseUntil, lease.LeaseUntil));
                }
            }
            sim.State.LatencyMs = 0;

            survivor = await PushHarness.StartAsync(provider, new() { ["Push:InstanceId"] = "instance-b" }, sim, database);
            var changes = await survivor.WaitSettledAsync(30);
            Assert.All(changes, c => Assert.Equal(PushStatuses.Pushed, c.PushStatus));
            Assert.Equal(20, sim.UserCount());
            Assert.Equal(20, sim.Users().Select(u => u.UserName).Distinct(StringComparer.OrdinalIgnoreCase).Count());
            Assert.Equal(20, sim.State.RequestsSnapshot().Count(r => r.Method == "POST" && r.Path == UsersPath && r.Status == 201));

            var calls = await survivor.Bridge.DbAsync(db => db.OutboundCalls.AsNoTracking().ToListAsync());
            Assert.All(calls, c => Assert.Equal("instance-b", c.Instance));
            foreach (var lease in held)
            {
                var first = calls.Where(c => c.ResourceId == lease.ResourceId).Min(c => c.At);
                Assert.True(first >= lease.LeaseUntil, $"B pushed {lease.ResourceId} at {first:O}, before A's lease ran out at {lease.LeaseUntil:O}.");
            }
        }
        finally
        {
            if (survivor is not null)
            {
                await survivor.DisposeAsync();
            }
            else
            {
                await database.DisposeAsync();
                await sim.DisposeAsync();
            }
        }
    }

    private static string UserName(int i) => $"multi.{i}@example.com";

    /// <summary>What <see cref="PushHarness"/> gives its bridge, for a further instance on the same simulator.</summary>
    private static Dictionary<string, string?> Settings(SimulatorHost sim, string instanceId, params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Monday:TenantUrl"] = sim.TenantUrl,
            ["Monday:ScimToken"] = SimulatorHost.ScimToken,
            ["Monday:RequestsPerMinute"] = "1000000",
            ["Monday:BackoffBaseMilliseconds"] = "20",
            ["Monday:AttemptTimeoutSeconds"] = "5",
            ["Push:InstanceId"] = instanceId,
            ["Push:IdlePollMilliseconds"] = "50",
            ["Push:RetryBase"] = "00:00:00.200",
            ["Push:RetryMax"] = "00:00:01",
            ["Push:MemberWait"] = "00:00:00.100",
            ["Push:QuarantineSchedule:0"] = "00:00:00.300",
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }
        return settings;
    }

    /// <summary>The same database for another instance, which must not drop it when it is disposed.</summary>
    private static TestDatabase Borrow(ScimApp owner) => new(owner.Provider, owner.ConnectionString, () => Task.CompletedTask);

    /// <summary>Every <see cref="ScimApp"/> creates a token named test-client; the name must be free for the next instance.</summary>
    private static Task FreeTokenNameAsync(ScimApp app) =>
        app.DbAsync(db => db.ScimTokens.Where(t => t.Name == "test-client")
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.Name, "instance-" + Guid.NewGuid().ToString("N")[..8])));

    private static ScimBridgeDbContext Context(DatabaseProvider provider, string connectionString) =>
        DatabaseSetup.CreateContext(provider, connectionString);
}
