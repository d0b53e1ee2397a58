extern alias RoadmunkSim;

using ScimBridge.Mirror;
using ScimBridge.Reclamation;

namespace ScimBridge.Tests.Reclamation;

/// <summary>Reclaim and undo in Roadmunk through its simulator: deactivateUser per seat, inviteUser to reactivate.</summary>
public sealed class RevokerRoadmunkTests : IAsyncLifetime
{
    private RoadmunkSimulatorHost _sim = null!;

    public async Task InitializeAsync() => _sim = await RoadmunkSimulatorHost.StartAsync();

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    private Dictionary<string, string?> Settings() => new(_sim.BridgeSettings())
    {
        ["Mirror:Schedule"] = "",
        ["Reclamation:Enabled"] = "false",
    };

    private async Task<List<QueuedSeat>> SeedAsync(params string[] emails)
    {
        var ids = await _sim.SeedAsync([.. emails.Select(e => $$"""{"email":"{{e}}","accountRole":"collaborator","lastLogin":"2026-06-01T00:00:00Z"}""")]);
        return [.. ids.Select((id, i) => new QueuedSeat(id, emails[i], SeatTypes.Collaborator, RevokerSeed.Old))];
    }

    private RoadmunkSim::ScimBridge.RoadmunkSim.RoadmunkUser User(string email)
    {
        lock (_sim.State.Sync)
        {
            return _sim.State.FindByEmail(email)!;
        }
    }

    [Theory, AllDatabases]
    public async Task Deactivate_ThenUndo_InvitesBackWithThePreviousRole(DatabaseProvider provider)
    {
        var seats = await SeedAsync("r1@example.com", "r2@example.com");
        await using var app = await ScimApp.StartAsync(provider, Settings());
        var ids = await app.QueueAsync(MirrorApps.Roadmunk, ReclaimActions.Deactivate, [.. seats]);

        Assert.Equal(2, await app.Revoker().ProcessAsync(CancellationToken.None));

        Assert.False(User("r1@example.com").Active);
        Assert.False(User("r2@example.com").Active);
        var candidates = await app.CandidatesAsync(ids);
        Assert.All(candidates, c => Assert.Equal((CandidateStates.ClosedComplete, SeatTypes.Collaborator), (c.State, c.PreviousSeatType)));
        var entry = (await app.ReclaimEntriesAsync())[0];
        Assert.Equal(["/public/graphql users", "/public/graphql deactivateUser"], (await app.CallsOfAsync(entry.Id)).Select(c => c.Path).Distinct());

        var results = await app.Revoker().UndoAsync([ids[0]], ReclaimActor.Admin("bob@admin"), CancellationToken.None);

        Assert.True(Assert.Single(results).Done, results[0].Error);
        Assert.Equal((true, "collaborator"), (User("r1@example.com").Active, User("r1@example.com").AccountRole));
        Assert.Equal(CandidateStates.ClosedCanceled, (await app.CandidateAsync(ids[0])).State);
    }

    [Theory, AllDatabases]
    public async Task Undo_WhenRoadmunkRefusesTheInvite_StaysComplete_AndSaysToReactivateByHand(DatabaseProvider provider)
    {
        var seats = await SeedAsync("r1@example.com");
        await using var app = await ScimApp.StartAsync(provider, Settings());
        var ids = await app.QueueAsync(MirrorApps.Roadmunk, ReclaimActions.Deactivate, [.. seats]);
        await app.Revoker().ProcessAsync(CancellationToken.None);
        _sim.State.InviteReactivates = false;

        var result = Assert.Single(await app.Revoker().UndoAsync(ids, ReclaimActor.Admin("bob@admin"), CancellationToken.None));

        Assert.False(result.Done);
        Assert.Equal(CandidateStates.ClosedComplete, result.State);
        Assert.Contains("A user with this email already exists.", result.Error, StringComparison.Ordinal);
        Assert.Contains("Account Settings > Users", result.Error, StringComparison.Ordinal);
        Assert.False(User("r1@example.com").Active);
        Assert.Equal(CandidateStates.ClosedComplete, (await app.CandidateAsync(ids[0])).State);
        Assert.Equal(LogStatuses.Failure, (await app.ReclaimEntriesAsync(LogActions.ReclaimUndo)).Single().Status);
    }

    [Theory, AllDatabases]
    public async Task NewLogin_CancelsTheReclaim(DatabaseProvider provider)
    {
        var seats = await SeedAsync("r1@example.com");
        lock (_sim.State.Sync)
        {
            _sim.State.FindByEmail("r1@example.com")!.LastLogin = new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
        }
        await using var app = await ScimApp.StartAsync(provider, Settings());
        var ids = await app.QueueAsync(MirrorApps.Roadmunk, ReclaimActions.Deactivate, [.. seats]);

        await app.Revoker().ProcessAsync(CancellationToken.None);

        Assert.True(User("r1@example.com").Active);
        var c = await app.CandidateAsync(ids[0]);
        Assert.Equal(CandidateStates.ClosedCanceled, c.State);
        Assert.Contains("2026-12-01 08:00:00 UTC", c.StateReason, StringComparison.Ordinal);
    }
}
