extern alias MondaySim;

using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MondaySim::ScimBridge.MondaySim;
using ScimBridge.Hr;

namespace ScimBridge.Tests.Hr;

/// <summary>
/// A bridge on a controlled clock pushing to the monday.com simulator, with the HR engine on: events are recorded through
/// the app's services (WorkerDirectory, EffectiveTime, HrLifecycle), users and groups through SCIM, and the effects are
/// read from the database and the simulator. Waits poll with a deadline; while waiting, the clock moves on a little so
/// the push's short waits (a team waiting for its members) come due.
/// </summary>
public sealed class EngineBed : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2027, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly bool _ownsSim;

    private EngineBed(ScimApp app, SimulatorHost sim, FakeTimeProvider clock, bool ownsSim)
    {
        App = app;
        Sim = sim;
        Clock = clock;
        _ownsSim = ownsSim;
    }

    public ScimApp App { get; }
    public SimulatorHost Sim { get; }
    public FakeTimeProvider Clock { get; }

    public static Dictionary<string, string?> Settings(SimulatorHost sim, string instance) => new(StringComparer.Ordinal)
    {
        ["Monday:TenantUrl"] = sim.TenantUrl,
        ["Monday:ScimToken"] = SimulatorHost.ScimToken,
        // Unpaced: the pace is kept on the bridge's clock, which only moves when a test moves it.
        ["Monday:RequestsPerMinute"] = "2000000000",
        ["Monday:BackoffBaseMilliseconds"] = "20",
        ["Monday:AttemptTimeoutSeconds"] = "600",
        ["Push:InstanceId"] = instance,
        ["Push:IdlePollMilliseconds"] = "50",
        ["Push:RetryBase"] = "00:00:00.200",
        ["Push:RetryMax"] = "00:00:01",
        ["Push:MemberWait"] = "00:00:00.100",
        // Background work on schedules would catch up on every jump of the clock.
        ["Mirror:Schedule"] = "",
        ["Reclamation:Enabled"] = "false",
        ["Hr:TickSeconds"] = "1",
        ["Hr:DefaultTimeZone"] = "UTC",
    };

    public static async Task<EngineBed> StartAsync(
        DatabaseProvider provider, Dictionary<string, string?>? settings = null, SimulatorHost? sim = null, TestDatabase? database = null,
        FakeTimeProvider? clock = null, string? instance = null)
    {
        var ownsSim = sim is null;
        sim ??= await SimulatorHost.StartAsync();
        clock ??= new FakeTimeProvider(Start);
        var all = Settings(sim, instance ?? "hr-" + Guid.NewGuid().ToString("N")[..8]);
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }
        var app = await ScimApp.StartAsync(provider, all, database, services: s => s.AddSingleton<TimeProvider>(clock));
        return new EngineBed(app, sim, clock, ownsSim);
    }

    /// <summary>The same database for another instance, which must not drop it when it is disposed.</summary>
    public TestDatabase Borrow() => new(App.Provider, App.ConnectionString, () => Task.CompletedTask);

    /// <summary>Every <see cref="ScimApp"/> creates a token named test-client; the name must be free for the next instance.</summary>
    public Task FreeTokenNameAsync() =>
        App.DbAsync(db => db.ScimTokens.Where(t => t.Name == "test-client")
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.Name, "instance-" + Guid.NewGuid().ToString("N")[..8])));

    public static readonly HrActor Workday = new("workday", HrSources.Api);

    /// <summary>Schedules a termination as the HR API would: the worker by userName, the date read in <paramref name="zone"/>.</summary>
    public Task<HrEventRecord> TerminateAsync(string userName, string? effective, string? zone = null, HrActor? actor = null) =>
        App.WithScopeAsync(async s =>
        {
            var (worker, instant) = await ResolveAsync(s, userName, effective, zone);
            return await s.GetRequiredService<HrLifecycle>().TerminateAsync(worker, instant, "resigned", actor ?? Workday, CancellationToken.None);
        });

    public Task<HrEventRecord> RehireAsync(string userName, string? effective = null, string? zone = null) =>
        App.WithScopeAsync(async s =>
        {
            var (worker, instant) = await ResolveAsync(s, userName, effective, zone);
            return await s.GetRequiredService<HrLifecycle>().RehireAsync(worker, instant, "rehired", Workday, CancellationToken.None);
        });

    public Task<HrEventRecord> MoveAsync(string userName, MoveChanges changes, string? effective = null) =>
        App.WithScopeAsync(async s =>
        {
            var (worker, instant) = await ResolveAsync(s, userName, effective, null);
            return await s.GetRequiredService<HrLifecycle>().MoveAsync(worker, changes, instant, "promotion", Workday, CancellationToken.None);
        });

    private async Task<(ResolvedWorker, EffectiveInstant)> ResolveAsync(IServiceProvider s, string userName, string? effective, string? zone)
    {
        var worker = await s.GetRequiredService<WorkerDirectory>().FindAsync(new WorkerKey(WorkerKey.UserName, userName), CancellationToken.None);
        var options = s.GetRequiredService<IOptions<HrOptions>>().Value;
        var tz = WorkerDirectory.ZoneFor(zone, worker, options);
        return (worker, EffectiveTime.Resolve(effective, tz, options.TerminationTime, Clock.GetUtcNow()));
    }

    public HrLifecycle Lifecycle => App.Services.GetRequiredService<HrLifecycle>();

    public Task<int> TickAsync() => App.Services.GetRequiredService<HrScheduler>().TickAsync(CancellationToken.None);

    public Task<HrEventRecord> EventAsync(long id) => App.DbAsync(db => db.HrEvents.AsNoTracking().SingleAsync(e => e.Id == id));

    public Task<HrWorkerRecord?> WorkerAsync(string userId) => App.DbAsync(db => db.HrWorkers.AsNoTracking().SingleOrDefaultAsync(w => w.UserId == userId));

    public Task<List<LogEntryRecord>> HrLogAsync(string userId) =>
        App.DbAsync(db => db.LogEntries.AsNoTracking().Where(l => l.SourceId == userId && l.Action.StartsWith("Hr")).OrderBy(l => l.Id).ToListAsync());

    /// <summary>Creates users (and waits until monday.com has them all).</summary>
    public async Task<List<string>> UsersAsync(params string[] userNames)
    {
        var ids = new List<string>();
        foreach (var name in userNames)
        {
            ids.Add(await App.CreateUserAsync(name, name.Split('@')[0]));
        }
        await UntilAsync(() => userNames.All(n => SimUser(n) is not null), "the users in monday.com");
        return ids;
    }

    public async Task<string> GroupAsync(string name, params string[] memberIds)
    {
        var id = await App.CreateGroupAsync(name, memberIds);
        await UntilAsync(() => SimTeam(name) is { } team && team.Members.Count == memberIds.Length, $"team {name} in monday.com");
        return id;
    }

    public SimUser? SimUser(string userName)
    {
        lock (Sim.State.Sync)
        {
            return Sim.State.Users.Values.FirstOrDefault(u => string.Equals(u.UserName, userName, StringComparison.OrdinalIgnoreCase))?.Copy();
        }
    }

    public SimGroup? SimTeam(string displayName)
    {
        lock (Sim.State.Sync)
        {
            return Sim.State.Groups.Values.FirstOrDefault(g => g.DisplayName == displayName)?.Copy();
        }
    }

    /// <summary>Whether the monday.com team has the user (by its monday.com id).</summary>
    public bool InTeam(string team, string userName) => SimUser(userName) is { } user && SimTeam(team) is { } t && t.Members.Contains(user.Id);

    /// <summary>Polls until <paramref name="condition"/> holds, the clock moving on by <paramref name="step"/> each round.</summary>
    public Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, TimeSpan? step = null) =>
        Eventually.UntilAsync(condition, what, timeout, betweenRounds: () => Clock.Advance(step ?? TimeSpan.FromMilliseconds(20)),
            explain: async () => "Push errors: " + string.Join(" | ", await App.DbAsync(db => db.PushStates.Where(p => p.LastError != null).Select(p => p.LastError).ToListAsync())));

    public Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null, TimeSpan? step = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, timeout, step);

    /// <summary>Waits until the push has nothing left to do.</summary>
    public Task SettledAsync(string what = "the push to settle") =>
        UntilAsync(async () => !await App.DbAsync(db => db.PushStates.AnyAsync(p => p.ChangeSeq > p.PushedSeq)), what);

    public async Task<HttpStatusCode> ScimPatchActiveAsync(string userId, bool active) =>
        (await App.PatchAsync($"/scim/v2/Users/{userId}", Bodies.Patch(Bodies.Op("replace", "active", active)))).Status;

    public async Task<HttpStatusCode> ScimRemoveMemberAsync(string groupId, string userId) =>
        (await App.PatchAsync($"/scim/v2/Groups/{groupId}", Bodies.Patch(Bodies.Op("remove", $"members[value eq \"{userId}\"]", null)))).Status;

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        if (_ownsSim)
        {
            await Sim.DisposeAsync();
        }
    }
}
