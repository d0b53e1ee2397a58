using System.Text;
using ScimBridge.Mirror;
using ScimBridge.Reclamation;

namespace ScimBridge.Tests.Reclamation;

/// <summary>
/// The whole loop through the product's own surfaces: users pushed to the monday.com simulator, a mirror run, a rule made
/// over the admin API, an evaluation, the notice on a webhook, the user's give-up link, the revoker's real downgrade,
/// an inbound update that must not undo it, the savings, the provisioning log, and an undo.
/// </summary>
public sealed class ReclamationEndToEndTests : IAsyncLifetime
{
    private SimulatorHost _sim = null!;
    private WebhookReceiver _webhook = null!;

    public async Task InitializeAsync()
    {
        _sim = await SimulatorHost.StartAsync();
        _webhook = await WebhookReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _webhook.DisposeAsync();
        await _sim.DisposeAsync();
    }

    private Dictionary<string, string?> Settings() => new()
    {
        ["Monday:ApiUrl"] = _sim.BaseUrl + "/v2",
        ["Monday:ApiToken"] = "sim-api-token",
        ["Monday:TenantUrl"] = _sim.TenantUrl,
        ["Monday:ScimToken"] = SimulatorHost.ScimToken,
        ["Monday:RequestsPerMinute"] = "1000000",
        ["Monday:BackoffBaseMilliseconds"] = "1",
        ["Mirror:Schedule"] = "",
        ["Mirror:Currency"] = "EUR",
        ["Mirror:Apps:monday:SeatCosts:member"] = "12",
        ["Mirror:Apps:monday:SeatCosts:viewer"] = "0",
        ["Mirror:Apps:monday:SeatCosts:admin"] = "12",
        // The test drives the tick and the revoker itself.
        ["Reclamation:Enabled"] = "false",
        ["Reclamation:PublicUrl"] = "https://bridge.example.com",
    };

    [Theory, AllDatabases]
    public async Task AnUnusedSeat_IsFound_Asked_Downgraded_KeptThroughInboundUpdates_Counted_AndUndone(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, Settings());
        var admin = await app.AdminAsync();
        var idle = await app.CreateUserAsync("idle@example.com", "Idle Ivy");
        var busy = await app.CreateUserAsync("busy@example.com", "Busy Bo");
        await Eventually.UntilAsync(
            async () => await app.DbAsync(db => db.PushStates.CountAsync(p => p.MondayId != null && p.PushedSeq == p.ChangeSeq)) == 2,
            "both users pushed to monday.com");
        var idleMonday = _sim.Users().Single(u => u.UserName == "idle@example.com").Id;
        _sim.State.SetLastActivity(idleMonday, DateTimeOffset.UtcNow.AddDays(-75));
        _sim.State.SetLastActivity(_sim.Users().Single(u => u.UserName == "busy@example.com").Id, DateTimeOffset.UtcNow.AddDays(-2));
        var run = await app.Services.GetRequiredService<MirrorRunner>().RunAsync(MirrorApps.Monday, MirrorInitiators.Admin, "tester", CancellationToken.None);
        Assert.Equal(MirrorRunStatuses.Succeeded, run.Status);

        // A rule with the defaults left out (admins excluded, 60 days) and a notice.
        var created = await admin.PostAsync("/admin/api/reclamation/rules", Json($$$"""
            {"name": "Idle monday members", "apps": ["monday"], "action": "downgrade",
             "notify": {"webhookUrl": "{{{_webhook.Url}}}", "reminderEveryDays": 3, "autoReclaimAfterDays": 7}}
            """));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var dryRun = await Body(await admin.PostAsync($"{created.Headers.Location}/dry-run", null));
        Assert.Equal((1, 12m, 144m), (dryRun["seats"]!.GetValue<int>(), dryRun["monthlySaving"]!.GetValue<decimal>(), dryRun["yearlySaving"]!.GetValue<decimal>()));

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("/admin/api/reclamation/evaluate", null)).StatusCode);
        var candidate = await app.DbAsync(db => db.ReclaimCandidates.AsNoTracking().SingleAsync());
        Assert.Equal((idle, CandidateStates.AwaitingUser, 12m), (candidate.UserId, candidate.State, candidate.MonthlySaving));

        await app.Services.GetRequiredService<ReclaimScheduler>().TickAsync(CancellationToken.None);
        var notice = Assert.Single(_webhook.Bodies);
        var giveUp = new Uri(notice["actions"]!["giveUp"]!.GetValue<string>());
        var anonymous = app.CreateScimClient(null);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(giveUp.PathAndQuery)).StatusCode);
        Assert.Equal(CandidateStates.AwaitingUser, await StateAsync(app, candidate.Id));
        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostAsync(giveUp.PathAndQuery, null)).StatusCode);
        Assert.Equal(CandidateStates.AwaitingRevocation, await StateAsync(app, candidate.Id));

        await app.Services.GetRequiredService<ReclaimRevoker>().ProcessAsync(CancellationToken.None);
        Assert.Equal(CandidateStates.ClosedComplete, await StateAsync(app, candidate.Id));
        Assert.Equal("viewer", _sim.Users().Single(u => u.Id == idleMonday).UserType);

        // The identity provider's next unrelated update goes through without buying the seat back.
        var patch = await app.Scim.PatchAsync($"/scim/v2/Users/{idle}", Json("""
            {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "replace", "path": "title", "value": "Analyst"}]}
            """));
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        await Eventually.UntilAsync(() => _sim.Users().Single(u => u.Id == idleMonday).Title == "Analyst", "the title reaches monday.com");
        Assert.Equal("viewer", _sim.Users().Single(u => u.Id == idleMonday).UserType);

        var savings = await Body(await admin.GetAsync("/admin/api/reclamation/savings"));
        // One member seat at 12 EUR a month, downgraded to a free viewer today: 144 a year from now on, nothing potential left.
        var total = savings["total"]!.AsObject();
        Assert.Equal((144m, 0m), (total["realisedRunRateYearly"]!.GetValue<decimal>(), total["potentialMonthly"]!.GetValue<decimal>()));
        var log = await app.DbAsync(db => db.LogEntries.AsNoTracking().Where(e => e.InitiatorType == Initiators.Reclamation).ToListAsync());
        Assert.Contains(log, e => e.Action == LogActions.Reclaim && e.Status == LogStatuses.Success && e.ModifiedProperties.Contains("viewer", StringComparison.Ordinal));

        var undo = await admin.PostAsync($"/admin/api/reclamation/candidates/{candidate.Id}/undo", null);
        Assert.Equal(HttpStatusCode.OK, undo.StatusCode);
        Assert.Equal("member", _sim.Users().Single(u => u.Id == idleMonday).UserType);
        Assert.Equal(CandidateStates.ClosedCanceled, await StateAsync(app, candidate.Id));
        Assert.NotEqual(idle, busy);
    }

    private static Task<string> StateAsync(ScimApp app, long id) =>
        app.DbAsync(db => db.ReclaimCandidates.Where(c => c.Id == id).Select(c => c.State).SingleAsync());

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonObject> Body(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }
}
