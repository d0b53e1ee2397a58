extern alias MondaySim;

using MondaySim::ScimBridge.MondaySim;

namespace ScimBridge.Tests.Push;

/// <summary>
/// A bridge on Kestrel pushing to a simulator on Kestrel: inbound SCIM → bridge → monday.com, over real sockets.
/// Waits poll with a deadline (<see cref="Eventually"/>).
/// </summary>
public sealed class PushHarness : IAsyncDisposable
{
    private PushHarness(SimulatorHost sim, ScimApp bridge)
    {
        Sim = sim;
        Bridge = bridge;
    }

    public SimulatorHost Sim { get; }
    public ScimApp Bridge { get; }
    public MondaySimState State => Sim.State;

    public static async Task<PushHarness> StartAsync(
        DatabaseProvider provider, Dictionary<string, string?>? settings = null, SimulatorHost? sim = null, TestDatabase? database = null)
    {
        sim ??= await SimulatorHost.StartAsync();
        var all = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Monday:TenantUrl"] = sim.TenantUrl,
            ["Monday:ScimToken"] = SimulatorHost.ScimToken,
            ["Monday:RequestsPerMinute"] = "1000000",
            ["Monday:BackoffBaseMilliseconds"] = "20",
            ["Monday:AttemptTimeoutSeconds"] = "5",
            ["Push:InstanceId"] = "test-" + Guid.NewGuid().ToString("N")[..8],
            ["Push:IdlePollMilliseconds"] = "50",
            ["Push:RetryBase"] = "00:00:00.200",
            ["Push:RetryMax"] = "00:00:01",
            ["Push:MemberWait"] = "00:00:00.100",
            ["Push:QuarantineSchedule:0"] = "00:00:00.300",
        };
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }
        var bridge = await ScimApp.StartAsync(provider, all, database, kestrel: true);
        return new PushHarness(sim, bridge);
    }

    /// <summary>
    /// Deactivates users through SCIM and waits until the push has dealt with each one: sent to monday.com, or held
    /// by the deletion guard (<paramref name="held"/> of them).
    /// </summary>
    public async Task DeactivateAsync(IEnumerable<string> ids, int held)
    {
        foreach (var id in ids)
        {
            (await Bridge.PatchAsync($"/scim/v2/Users/{id}", Bodies.Patch(Bodies.Op("replace", "active", false)))).AssertStatus(HttpStatusCode.OK);
        }
        await Eventually.UntilAsync(async () => await Bridge.DbAsync(db => db.PushStates.CountAsync(p => p.HeldAt != null)) == held
            && await Bridge.DbAsync(db => db.PushStates.CountAsync(p => p.ChangeSeq > p.PushedSeq && p.HeldAt == null)) == 0,
            $"{held} staged deletes and the rest sent");
    }

    public SimUser? SimUserByName(string userName)
    {
        lock (State.Sync)
        {
            return State.Users.Values.FirstOrDefault(u => string.Equals(u.UserName, userName, StringComparison.OrdinalIgnoreCase))?.Copy();
        }
    }

    public List<SimUser> SimUsersByName(string userName)
    {
        lock (State.Sync)
        {
            return [.. State.Users.Values.Where(u => string.Equals(u.UserName, userName, StringComparison.OrdinalIgnoreCase)).Select(u => u.Copy())];
        }
    }

    public List<SimGroup> SimGroups()
    {
        lock (State.Sync)
        {
            return [.. State.Groups.Values.Select(g => g.Copy())];
        }
    }

    public SimGroup? SimGroupByName(string displayName)
    {
        lock (State.Sync)
        {
            return State.Groups.Values.FirstOrDefault(g => g.DisplayName == displayName)?.Copy();
        }
    }

    /// <summary>Polls until <paramref name="condition"/> gives a value (true, if a bool); fails with <paramref name="what"/> and the last push errors.</summary>
    public async Task<T> WaitForAsync<T>(Func<T?> condition, string what, int seconds = 20)
    {
        T? value = default;
        await Eventually.UntilAsync(() => (value = condition()) is { } v && (v is not bool b || b), what, TimeSpan.FromSeconds(seconds), explain: PushErrorsAsync);
        return value!;
    }

    /// <summary>Waits until every change is settled (nothing pending) and returns the changes.</summary>
    public async Task<List<ChangeRecord>> WaitSettledAsync(int seconds = 20)
    {
        List<ChangeRecord> changes = [];
        await Eventually.UntilAsync(
            async () =>
            {
                changes = await Bridge.DbAsync(db => db.Changes.AsNoTracking().OrderBy(c => c.Id).ToListAsync());
                return !await Bridge.DbAsync(db => db.PushStates.AnyAsync(p => p.ChangeSeq > p.PushedSeq))
                    && changes.All(c => c.PushStatus != PushStatuses.Pending);
            },
            "the push to settle",
            TimeSpan.FromSeconds(seconds),
            explain: async () => "Pending: "
                + string.Join(" | ", changes.Where(c => c.PushStatus == PushStatuses.Pending).Select(c => $"{c.ResourceType} {c.Operation}: {c.PushError}"))
                + "; " + await PushErrorsAsync());
        return changes;
    }

    public async Task<PushStateRecord> WaitForStateAsync(string resourceType, string id, Func<PushStateRecord, bool> condition, string what) =>
        (await Eventually.ValueAsync(() => StateAsync(resourceType, id), what, s => s is not null && condition(s)))!;

    public Task<PushStateRecord?> StateAsync(string resourceType, string id) =>
        Bridge.DbAsync(db => db.PushStates.AsNoTracking().FirstOrDefaultAsync(p => p.ResourceType == resourceType && p.ResourceId == id));

    private async Task<string?> PushErrorsAsync() =>
        "Push errors: " + string.Join(" | ", await Bridge.DbAsync(db => db.PushStates.Where(p => p.LastError != null).Select(p => p.LastError).ToListAsync()));

    public static JsonObject User(string userName, string displayName, string? userType = null, string? title = null, bool active = true)
    {
        var user = Bodies.User(userName, displayName, active);
        if (userType is not null)
        {
            user["userType"] = userType;
        }
        if (title is not null)
        {
            user["title"] = title;
        }
        return user;
    }

    public async ValueTask DisposeAsync()
    {
        await Bridge.DisposeAsync();
        await Sim.DisposeAsync();
    }
}
